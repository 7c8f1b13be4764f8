package dev.hourglass.tenant.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Invitation link tokens: 32 random bytes in the link, only their SHA-256 in the database, so a
 * copy of the database does not hand out working links.
 */
final class InvitationTokens {

  private static final SecureRandom RANDOM = new SecureRandom();

  private InvitationTokens() {}

  static String newToken() {
    var bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static boolean wellFormed(String token) {
    return token != null && token.matches("[A-Za-z0-9_-]{43}");
  }

  static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
