package dev.hourglass.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretBoxTest {

  private static byte[] key(int fill) {
    var k = new byte[32];
    Arrays.fill(k, (byte) fill);
    return k;
  }

  private final SecretBox box = new SecretBox(Map.of("k1", key(1)), "k1");

  @Test
  void a_sealed_secret_opens_to_the_same_text_in_its_context() {
    var sealed = box.seal("s3cret påss", "tenant/a/database/1/password");
    assertThat(box.open(sealed, "tenant/a/database/1/password")).isEqualTo("s3cret påss");
  }

  @Test
  void the_sealed_bytes_do_not_contain_the_plaintext_and_differ_each_time() {
    var first = box.seal("hunter2hunter2", "c");
    var second = box.seal("hunter2hunter2", "c");
    assertThat(new String(first, StandardCharsets.ISO_8859_1)).doesNotContain("hunter2");
    assertThat(first).isNotEqualTo(second);
    assertThat(SecretBox.keyIdOf(first)).isEqualTo("k1");
  }

  @Test
  void a_secret_copied_to_another_record_does_not_open() {
    var sealed = box.seal("pw", "tenant/a/database/1/password");
    assertThatThrownBy(() -> box.open(sealed, "tenant/b/database/1/password"))
        .isInstanceOf(SecretBoxException.class)
        .hasMessage("The secret is damaged or belongs to another record");
  }

  @Test
  void a_flipped_bit_is_detected() {
    var sealed = box.seal("pw", "c");
    sealed[sealed.length - 1] ^= 1;
    assertThatThrownBy(() -> box.open(sealed, "c")).isInstanceOf(SecretBoxException.class);
  }

  @Test
  void truncated_or_foreign_bytes_are_refused_with_a_reason() {
    assertThatThrownBy(() -> box.open(new byte[] {9, 9, 9}, "c"))
        .hasMessageContaining("not in a format");
    var sealed = box.seal("pw", "c");
    assertThatThrownBy(() -> box.open(Arrays.copyOf(sealed, 10), "c"))
        .hasMessageContaining("truncated");
  }

  @Test
  void rotation_reseals_old_values_under_the_new_key_and_old_keys_still_open() {
    var old = box.seal("pw", "c");
    var rotated = new SecretBox(Map.of("k1", key(1), "k2", key(2)), "k2");

    var resealed = rotated.reseal(old, "c");
    assertThat(SecretBox.keyIdOf(resealed)).isEqualTo("k2");
    assertThat(rotated.open(resealed, "c")).isEqualTo("pw");
    assertThat(rotated.open(old, "c")).isEqualTo("pw");
    assertThat(rotated.reseal(resealed, "c")).isSameAs(resealed);

    var withoutOldKey = new SecretBox(Map.of("k2", key(2)), "k2");
    assertThatThrownBy(() -> withoutOldKey.open(old, "c"))
        .isInstanceOf(SecretBoxException.class)
        .hasMessage("The secret was sealed with key 'k1', which is not configured");
  }

  @Test
  void keys_are_validated_without_showing_key_material() {
    assertThatThrownBy(() -> new SecretBox(Map.of("k1", new byte[16]), "k1"))
        .hasMessageContaining("must be 32 bytes");
    assertThatThrownBy(() -> new SecretBox(Map.of("k1", key(1)), "k9"))
        .hasMessageContaining("active key 'k9'");
    assertThatThrownBy(() -> new SecretBox(Map.of("bad id!", key(1)), "bad id!"))
        .hasMessageContaining("invalid");
    assertThat(box.toString()).doesNotContain(Base64.getEncoder().encodeToString(key(1)));
  }

  @Test
  void keys_parse_from_the_setting_form() {
    var text =
        "k1:"
            + Base64.getEncoder().encodeToString(key(1))
            + ", k2:"
            + Base64.getEncoder().encodeToString(key(2));
    var keys = SecretBox.parseKeys(text);
    assertThat(keys).containsOnlyKeys("k1", "k2");
    assertThat(keys.get("k2")).isEqualTo(key(2));
    assertThatThrownBy(() -> SecretBox.parseKeys("nocolon")).hasMessageContaining("id:base64key");
    assertThatThrownBy(() -> SecretBox.parseKeys("k1:!!!"))
        .hasMessageContaining("not valid base64");
  }
}
