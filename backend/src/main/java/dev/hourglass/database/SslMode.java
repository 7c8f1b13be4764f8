package dev.hourglass.database;

/**
 * How the connection to a target database is encrypted and verified; the same modes as libpq's and
 * pgjdbc's {@code sslmode}.
 */
public enum SslMode {
  DISABLE("disable", "No encryption"),
  PREFER("prefer", "Encrypt if the server supports it"),
  REQUIRE("require", "Always encrypt, do not verify the server"),
  VERIFY_CA("verify-ca", "Encrypt and verify the server's certificate"),
  VERIFY_FULL("verify-full", "Encrypt, verify the server's certificate and host name");

  private final String value;
  private final String label;

  SslMode(String value, String label) {
    this.value = value;
    this.label = label;
  }

  /** The value of libpq's and pgjdbc's {@code sslmode} parameter, e.g. {@code verify-full}. */
  public String value() {
    return value;
  }

  /** A short description for the person choosing the mode. */
  public String label() {
    return label;
  }

  /** Whether the server's certificate is checked against a CA certificate. */
  public boolean verifiesCertificate() {
    return this == VERIFY_CA || this == VERIFY_FULL;
  }
}
