package dev.hourglass.security;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets at rest (database passwords, SMTP credentials) with AES-256-GCM.
 *
 * <p>Each sealed value names the key that sealed it, so keys can be rotated: add a new key, make it
 * active, then {@link #reseal} every stored value. The caller passes a context (for example
 * "tenant/…/database/…/password") that is authenticated but not stored: a sealed value copied to
 * another row does not open there. Plaintext never appears in exceptions or {@link #toString()}.
 *
 * <p>Layout of a sealed value: version byte 1, key-id length, key id (UTF-8), 12-byte nonce,
 * ciphertext with the 16-byte tag.
 */
public final class SecretBox {

  private static final byte VERSION = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final Map<String, SecretKeySpec> keys;
  private final String activeKeyId;
  private final SecureRandom random = new SecureRandom();

  /**
   * @param keys key id to 32-byte AES key; ids are 1 to 32 characters of [A-Za-z0-9_-]
   * @param activeKeyId the key that seals new values
   */
  public SecretBox(Map<String, byte[]> keys, String activeKeyId) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("At least one key is needed");
    }
    var copy = new LinkedHashMap<String, SecretKeySpec>();
    keys.forEach(
        (id, key) -> {
          if (id == null || !id.matches("[A-Za-z0-9_-]{1,32}")) {
            throw new IllegalArgumentException(
                "Key id '" + id + "' is invalid: use 1 to 32 letters, digits, '_' or '-'");
          }
          if (key == null || key.length != 32) {
            throw new IllegalArgumentException(
                "Key '"
                    + id
                    + "' must be 32 bytes (AES-256), not "
                    + (key == null ? 0 : key.length));
          }
          copy.put(id, new SecretKeySpec(key.clone(), "AES"));
        });
    if (!copy.containsKey(activeKeyId)) {
      throw new IllegalArgumentException(
          "The active key '" + activeKeyId + "' is not among the keys");
    }
    this.keys = Map.copyOf(copy);
    this.activeKeyId = activeKeyId;
  }

  /**
   * Reads keys written as {@code id:base64key,id2:base64key}, the form of the setting.
   *
   * @throws IllegalArgumentException naming the malformed entry, never showing key material
   */
  public static Map<String, byte[]> parseKeys(String text) {
    var result = new LinkedHashMap<String, byte[]>();
    for (var entry : Objects.requireNonNull(text, "text").split(",")) {
      var trimmed = entry.strip();
      int colon = trimmed.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException(
            "A key entry is not of the form id:base64key (entry " + (result.size() + 1) + ")");
      }
      var id = trimmed.substring(0, colon);
      try {
        result.put(id, Base64.getDecoder().decode(trimmed.substring(colon + 1)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Key '" + id + "' is not valid base64");
      }
    }
    return result;
  }

  public String activeKeyId() {
    return activeKeyId;
  }

  /** Whether a key with this id is configured, for messages about values it cannot open. */
  public boolean knows(String keyId) {
    return keys.containsKey(keyId);
  }

  /** Seals {@code plaintext} under the active key, bound to {@code context}. */
  public byte[] seal(String plaintext, String context) {
    Objects.requireNonNull(plaintext, "plaintext");
    var nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    var id = activeKeyId.getBytes(StandardCharsets.UTF_8);
    try {
      var cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.ENCRYPT_MODE, keys.get(activeKeyId), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(aad(context, id));
      var sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.allocate(2 + id.length + NONCE_BYTES + sealed.length)
          .put(VERSION)
          .put((byte) id.length)
          .put(id)
          .put(nonce)
          .put(sealed)
          .array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available in this JVM", e);
    }
  }

  /**
   * Opens a sealed value.
   *
   * @throws SecretBoxException when the value is damaged, sealed for another context, or sealed
   *     under a key this installation no longer has
   */
  public String open(byte[] sealed, String context) {
    var parts = Parts.of(sealed);
    var key = keys.get(parts.keyId);
    if (key == null) {
      throw new SecretBoxException(
          "The secret was sealed with key '" + parts.keyId + "', which is not configured");
    }
    try {
      var cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, parts.nonce));
      cipher.updateAAD(aad(context, parts.keyId.getBytes(StandardCharsets.UTF_8)));
      return new String(cipher.doFinal(parts.ciphertext), StandardCharsets.UTF_8);
    } catch (AEADBadTagException e) {
      throw new SecretBoxException("The secret is damaged or belongs to another record");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available in this JVM", e);
    }
  }

  /** The key id a sealed value names, without opening it. */
  public static String keyIdOf(byte[] sealed) {
    return Parts.of(sealed).keyId;
  }

  /** Re-seals under the active key when another key sealed it; returns the input otherwise. */
  public byte[] reseal(byte[] sealed, String context) {
    if (keyIdOf(sealed).equals(activeKeyId)) {
      return sealed;
    }
    return seal(open(sealed, context), context);
  }

  private static byte[] aad(String context, byte[] keyId) {
    var c = Objects.requireNonNull(context, "context").getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + keyId.length + c.length).put(VERSION).put(keyId).put(c).array();
  }

  @Override
  public String toString() {
    return "SecretBox[keys=" + keys.keySet() + ", active=" + activeKeyId + "]";
  }

  private record Parts(String keyId, byte[] nonce, byte[] ciphertext) {
    static Parts of(byte[] sealed) {
      if (sealed == null || sealed.length < 2 || sealed[0] != VERSION) {
        throw new SecretBoxException("The secret is not in a format this version can read");
      }
      int idLength = sealed[1];
      if (idLength < 1 || sealed.length < 2 + idLength + NONCE_BYTES + TAG_BITS / 8) {
        throw new SecretBoxException("The secret is truncated");
      }
      var buffer = ByteBuffer.wrap(sealed, 2, sealed.length - 2);
      var id = new byte[idLength];
      buffer.get(id);
      var nonce = new byte[NONCE_BYTES];
      buffer.get(nonce);
      var ciphertext = new byte[buffer.remaining()];
      buffer.get(ciphertext);
      return new Parts(new String(id, StandardCharsets.UTF_8), nonce, ciphertext);
    }
  }
}
