package dev.hourglass.infra;

import java.security.SecureRandom;
import java.util.Base64;

/** Passwords and client secrets for local and test installations. */
public final class RandomSecrets {

  private static final SecureRandom RANDOM = new SecureRandom();

  private RandomSecrets() {}

  /** {@code bytes} random bytes, URL-safe base64 without padding. */
  public static String urlSafe(int bytes) {
    byte[] random = new byte[bytes];
    RANDOM.nextBytes(random);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }
}
