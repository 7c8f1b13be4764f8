package dev.hourglass.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.common.InvalidInputException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class ConnectionSpecTest {

  // A real self-signed CA certificate made with openssl for this test, so parsing runs for real.
  private static final String CA_PEM =
      """
      -----BEGIN CERTIFICATE-----
      MIIBmTCCAT+gAwIBAgIUPzCdhHahqSCvGL9AJiHGxQSrA2QwCgYIKoZIzj0EAwIw
      ITEfMB0GA1UEAwwWSG91cmdsYXNzIHVuaXQtdGVzdCBDQTAgFw0yNjExMjYxMDU5
      MjBaGA8yMTI2MTEwMjEwNTkyMFowITEfMB0GA1UEAwwWSG91cmdsYXNzIHVuaXQt
      dGVzdCBDQTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABNZCZIIb8t3JXVXSAHRc
      mKdfx3M6Ezv/qXNsrhWVv/1A9YBQCbicgUrJiO8ChEa93f5qKP7ZZXhuRzqnYEHL
      AeajUzBRMB0GA1UdDgQWBBTEpsKXsV7u4hUTeAC/nKdUsxlSaDAfBgNVHSMEGDAW
      gBTEpsKXsV7u4hUTeAC/nKdUsxlSaDAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49
      BAMCA0gAMEUCIDk2ff8V3uEfQg5L0pXPaP8FYMF00Z7hl28Y6bJouBwAAiEApqMh
      p+/Zk2zBuW4kEnb7sqFFeMBAFKhhl2ExyFLJREo=
      -----END CERTIFICATE-----
      """;

  private static final String TRUNCATED_PEM = CA_PEM.substring(0, 200);

  private static ConnectionSpec spec(String host, int port, String database, String user) {
    return new ConnectionSpec(host, port, database, user, "s3cret-Pass", SslMode.REQUIRE, null);
  }

  private static void assertInvalid(ThrowingCallable call, String field, String... phrases) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(field))
        .message()
        .contains(phrases);
  }

  @Test
  void a_valid_spec_keeps_its_values_and_strips_the_host() {
    var spec = spec("  db.example.com ", 5432, "app", "hourglass");
    assertThat(spec.host()).isEqualTo("db.example.com");
    assertThat(spec.port()).isEqualTo(5432);
    assertThat(spec.caCertificatePem()).isNull();
  }

  @Test
  void an_ipv6_host_may_be_given_in_brackets() {
    assertThat(spec("[2001:db8::1]", 5432, "app", "u").host()).isEqualTo("2001:db8::1");
    assertThat(spec("::1", 5432, "app", "u").host()).isEqualTo("::1");
  }

  @Test
  void the_host_is_required_single_and_short() {
    assertInvalid(() -> spec(" ", 5432, "app", "u"), "host", "Enter the host");
    assertInvalid(() -> spec("db example", 5432, "app", "u"), "host", "contains a space");
    assertInvalid(() -> spec("a".repeat(254), 5432, "app", "u"), "host", "254", "253");
    assertInvalid(() -> spec("db1,db2", 5432, "app", "u"), "host", "one host name");
    assertInvalid(() -> spec("user@db", 5432, "app", "u"), "host", "one host name");
    assertThat(spec("a".repeat(253), 5432, "app", "u").host()).hasSize(253);
  }

  @Test
  void the_port_is_between_1_and_65535() {
    assertInvalid(() -> spec("db", 0, "app", "u"), "port", "between 1 and 65535");
    assertInvalid(() -> spec("db", 65536, "app", "u"), "port", "between 1 and 65535");
    assertThat(spec("db", 65535, "app", "u").port()).isEqualTo(65535);
  }

  @Test
  void database_and_user_are_required_and_at_most_63_bytes() {
    assertInvalid(() -> spec("db", 5432, "", "u"), "database", "Enter the database name.");
    assertInvalid(() -> spec("db", 5432, "app", null), "user", "Enter the user name.");
    assertInvalid(() -> spec("db", 5432, "d".repeat(64), "u"), "database", "64 bytes", "63");
    // 32 two-byte characters are 64 bytes: PostgreSQL counts bytes, not characters.
    assertInvalid(() -> spec("db", 5432, "app", "é".repeat(32)), "user", "64 bytes");
    assertThat(spec("db", 5432, "d".repeat(63), "u").database()).hasSize(63);
  }

  @Test
  void the_password_may_be_empty() {
    var spec = new ConnectionSpec("db", 5432, "app", "u", null, SslMode.DISABLE, null);
    assertThat(spec.password()).isEmpty();
  }

  @Test
  void an_ssl_mode_is_required() {
    assertInvalid(
        () -> new ConnectionSpec("db", 5432, "app", "u", "", null, null), "sslMode", "SSL mode");
  }

  @Test
  void verifying_modes_need_a_ca_certificate() {
    assertInvalid(
        () -> new ConnectionSpec("db", 5432, "app", "u", "", SslMode.VERIFY_FULL, "  "),
        "caCertificatePem",
        "verify-full",
        "CA certificate");
    assertInvalid(
        () -> new ConnectionSpec("db", 5432, "app", "u", "", SslMode.VERIFY_CA, null),
        "caCertificatePem",
        "verify-ca");
  }

  @Test
  void a_verifying_mode_accepts_a_pem_ca_certificate() {
    var spec = new ConnectionSpec("db", 5432, "app", "u", "", SslMode.VERIFY_FULL, "\n" + CA_PEM);
    assertThat(spec.caCertificatePem()).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(spec.toString()).contains("caCertificate=(given)");
  }

  @Test
  void the_ca_certificate_must_be_pem_of_an_x509_certificate() {
    assertInvalid(
        () -> new ConnectionSpec("db", 5432, "app", "u", "", SslMode.REQUIRE, "not a certificate"),
        "caCertificatePem",
        "-----BEGIN CERTIFICATE-----");
    assertInvalid(
        () -> new ConnectionSpec("db", 5432, "app", "u", "", SslMode.VERIFY_CA, TRUNCATED_PEM),
        "caCertificatePem",
        "could not be read as an X.509 certificate");
    assertInvalid(
        () ->
            new ConnectionSpec(
                "db",
                5432,
                "app",
                "u",
                "",
                SslMode.VERIFY_CA,
                "-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----"),
        "caCertificatePem",
        "private key");
  }

  @Test
  void to_string_never_shows_the_password_and_with_password_replaces_it() {
    var spec = spec("db", 5432, "app", "u");
    assertThat(spec.toString()).doesNotContain("s3cret-Pass").contains("password=(hidden)");
    var changed = spec.withPassword("other-Secret");
    assertThat(changed.password()).isEqualTo("other-Secret");
    assertThat(changed.host()).isEqualTo("db");
    assertThat(changed.toString()).doesNotContain("other-Secret");
  }

  @Test
  void every_ssl_mode_has_a_label_and_the_jdbc_value() {
    assertThat(SslMode.VERIFY_FULL.value()).isEqualTo("verify-full");
    assertThat(SslMode.DISABLE.value()).isEqualTo("disable");
    for (SslMode mode : SslMode.values()) {
      assertThat(mode.label()).isNotBlank();
    }
  }
}
