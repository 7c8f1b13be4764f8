package dev.hourglass.database;

import dev.hourglass.common.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.regex.Pattern;

/**
 * What to connect to. Validates on construction and throws {@link InvalidInputException} naming the
 * field to correct. {@link #toString()} never shows the password.
 *
 * @param host a DNS name or an IP address (an IPv6 address may be given in brackets); surrounding
 *     blanks are removed
 * @param password may be empty (for servers that trust the client); never null
 * @param caCertificatePem the CA certificate(s) that signed the server's certificate, as PEM text;
 *     null or blank for none. Needed for {@link SslMode#VERIFY_CA} and {@link SslMode#VERIFY_FULL},
 *     ignored by the other modes (which do not verify the server).
 */
public record ConnectionSpec(
    String host,
    int port,
    String database,
    String user,
    String password,
    SslMode sslMode,
    String caCertificatePem) {

  public static final int MAX_HOST_LENGTH = 253;

  /** PostgreSQL's NAMEDATALEN - 1, in bytes. */
  public static final int MAX_NAME_BYTES = 63;

  // Characters a host name or an IP literal may hold. Anything else (',', '/', '?', '@', '%')
  // would change the meaning of the JDBC URL: a comma, for one, makes pgjdbc try several hosts.
  private static final Pattern HOST_CHARACTERS = Pattern.compile("[A-Za-z0-9._:-]+");

  private static final String PEM_CERTIFICATE = "-----BEGIN CERTIFICATE-----";

  public ConnectionSpec {
    host = validHost(host);
    if (port < 1 || port > 65535) {
      throw new InvalidInputException(
          "port", "The port must be between 1 and 65535; PostgreSQL usually listens on 5432.");
    }
    validName("database", "database name", database);
    validName("user", "user name", user);
    if (password == null) {
      password = "";
    }
    if (sslMode == null) {
      throw new InvalidInputException("sslMode", "Choose an SSL mode.");
    }
    caCertificatePem =
        caCertificatePem == null || caCertificatePem.isBlank() ? null : caCertificatePem.strip();
    if (caCertificatePem != null) {
      validCertificate(caCertificatePem);
    } else if (sslMode.verifiesCertificate()) {
      throw new InvalidInputException(
          "caCertificatePem",
          "SSL mode "
              + sslMode.value()
              + " checks the server's certificate: paste the PEM text of the CA certificate that"
              + " signed it, or choose SSL mode require.");
    }
  }

  /** The same target with another password (e.g. after it was decrypted). */
  public ConnectionSpec withPassword(String newPassword) {
    return new ConnectionSpec(host, port, database, user, newPassword, sslMode, caCertificatePem);
  }

  @Override
  public String toString() {
    return "ConnectionSpec[host="
        + host
        + ", port="
        + port
        + ", database="
        + database
        + ", user="
        + user
        + ", password="
        + (password.isEmpty() ? "(empty)" : "(hidden)")
        + ", sslMode="
        + sslMode.value()
        + ", caCertificate="
        + (caCertificatePem == null ? "(none)" : "(given)")
        + "]";
  }

  private static String validHost(String host) {
    if (host == null || host.isBlank()) {
      throw new InvalidInputException(
          "host", "Enter the host name or IP address of the database server.");
    }
    String stripped = host.strip();
    if (stripped.startsWith("[") && stripped.endsWith("]")) {
      stripped = stripped.substring(1, stripped.length() - 1);
    }
    if (stripped.chars().anyMatch(Character::isWhitespace)) {
      throw new InvalidInputException(
          "host", "The host contains a space; enter a single host name or IP address.");
    }
    if (stripped.length() > MAX_HOST_LENGTH) {
      throw new InvalidInputException(
          "host",
          "The host is "
              + stripped.length()
              + " characters long; a host name has at most "
              + MAX_HOST_LENGTH
              + ".");
    }
    if (!HOST_CHARACTERS.matcher(stripped).matches()) {
      throw new InvalidInputException(
          "host",
          "The host may contain only letters, digits, '.', '-', '_' and ':'; enter one host name"
              + " or IP address, without port, user or path.");
    }
    return stripped;
  }

  private static void validName(String field, String what, String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidInputException(field, "Enter the " + what + ".");
    }
    int bytes = value.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_NAME_BYTES) {
      throw new InvalidInputException(
          field,
          "The "
              + what
              + " is "
              + bytes
              + " bytes long; PostgreSQL names have at most "
              + MAX_NAME_BYTES
              + ".");
    }
    if (value.chars().anyMatch(c -> c == 0)) {
      throw new InvalidInputException(field, "The " + what + " contains a NUL character.");
    }
  }

  private static void validCertificate(String pem) {
    if (pem.contains("PRIVATE KEY")) {
      throw new InvalidInputException(
          "caCertificatePem",
          "This is a private key, not a certificate: paste the CA certificate (it starts with "
              + PEM_CERTIFICATE
              + ") and keep the key secret.");
    }
    if (!pem.startsWith(PEM_CERTIFICATE)) {
      throw new InvalidInputException(
          "caCertificatePem",
          "The CA certificate must be PEM text starting with " + PEM_CERTIFICATE + ".");
    }
    try {
      var certificates =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8)));
      if (certificates.isEmpty()) {
        throw new CertificateException("no certificate");
      }
    } catch (CertificateException e) {
      throw new InvalidInputException(
          "caCertificatePem",
          "The CA certificate could not be read as an X.509 certificate in PEM form; paste the"
              + " whole text from "
              + PEM_CERTIFICATE
              + " to -----END CERTIFICATE-----.");
    }
  }
}
