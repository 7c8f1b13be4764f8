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

  /** A fresh 256-bit AES key in standard base64, the form HOURGLASS_SECRETS_KEYS takes. */
  public static String aesKeyBase64() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }
}
