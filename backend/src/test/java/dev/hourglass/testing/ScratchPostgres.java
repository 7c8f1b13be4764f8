package dev.hourglass.testing;

import dev.hourglass.infra.FreePorts;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL (zonky's embedded binaries) that authenticates like a real one: every
 * user but the fixture's own {@code postgres} superuser needs a password (scram-sha-256), and with
 * {@link #withSsl()} only encrypted connections are let in (pg_hba.conf has only hostssl lines for
 * them). The server's certificate is issued at start by a CA made for this server only, for the
 * host name {@code localhost} and no IP address, so {@code verify-full} passes for localhost and
 * fails for 127.0.0.1.
 *
 * <p>Certificates come from {@code openssl}. {@link #close()} stops the server and deletes its
 * directory.
 */
public final class ScratchPostgres implements AutoCloseable {

  public static final String HOST = "127.0.0.1";
  public static final String CERTIFICATE_HOST_NAME = "localhost";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path directory;
  private final EmbeddedPostgres postgres;
  private final String caCertificatePem;
  private final String otherCaCertificatePem;

  private ScratchPostgres(
      Path directory, EmbeddedPostgres postgres, String caPem, String otherCaPem) {
    this.directory = directory;
    this.postgres = postgres;
    this.caCertificatePem = caPem;
    this.otherCaCertificatePem = otherCaPem;
  }

  /** Password authentication, only encrypted connections for users other than postgres. */
  public static ScratchPostgres withSsl() {
    return start(true);
  }

  /** Password authentication, SSL switched off. */
  public static ScratchPostgres withoutSsl() {
    return start(false);
  }

  private static ScratchPostgres start(boolean ssl) {
    Path directory = null;
    try {
      directory = Files.createTempDirectory("hourglass-scratch-pg-");
      Path certificates = Files.createDirectories(directory.resolve("certificates"));
      String caPem = null;
      String otherCaPem = null;
      if (ssl) {
        makeCertificates(certificates);
        caPem = Files.readString(certificates.resolve("ca.crt"));
        otherCaPem = Files.readString(certificates.resolve("other-ca.crt"));
      }
      Path log = directory.resolve("postgres.log");
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder()
              .setPort(FreePorts.pick())
              .setDataDirectory(directory.resolve("data"))
              .setCleanDataDirectory(true)
              .setServerConfig("listen_addresses", HOST)
              .setServerConfig("password_encryption", "scram-sha-256")
              .setServerConfig("ssl", ssl ? "on" : "off")
              .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .setPGStartupWait(Duration.ofSeconds(30))
              .setRegisterShutdownHook(false)
              // Runs after initdb and before the server starts.
              .setDataDirectoryCustomizer(data -> configure(data.toPath(), certificates, ssl));
      if (ssl) {
        builder
            .setServerConfig("ssl_cert_file", "server.crt")
            .setServerConfig("ssl_key_file", "server.key");
      }
      return new ScratchPostgres(directory, builder.start(), caPem, otherCaPem);
    } catch (IOException | RuntimeException e) {
      if (directory != null) {
        deleteRecursively(directory);
      }
      throw new IllegalStateException("Scratch PostgreSQL did not start: " + e.getMessage(), e);
    }
  }

  private static void configure(Path data, Path certificates, boolean ssl) {
    String hostType = ssl ? "hostssl" : "host";
    String hba =
        String.join(
            "\n",
            "# The fixture's superuser, for setting up; tests connect as other users.",
            "local all all trust",
            "host all postgres 127.0.0.1/32 trust",
            "host all postgres ::1/128 trust",
            hostType + " all all 127.0.0.1/32 scram-sha-256",
            hostType + " all all ::1/128 scram-sha-256",
            "");
    try {
      Files.writeString(data.resolve("pg_hba.conf"), hba);
      if (ssl) {
        Files.copy(certificates.resolve("server.crt"), data.resolve("server.crt"));
        Path key = data.resolve("server.key");
        Files.copy(certificates.resolve("server.key"), key);
        // PostgreSQL refuses a key that others may read.
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void makeCertificates(Path dir) throws IOException {
    Files.writeString(
        dir.resolve("server.ext"),
        "subjectAltName=DNS:"
            + CERTIFICATE_HOST_NAME
            + "\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
            + "extendedKeyUsage=serverAuth\n");
    for (String ca : List.of("ca", "other-ca")) {
      openssl(
          dir,
          "req",
          "-x509",
          "-newkey",
          "ec",
          "-pkeyopt",
          "ec_paramgen_curve:prime256v1",
          "-nodes",
          "-keyout",
          ca + ".key",
          "-out",
          ca + ".crt",
          "-days",
          "2",
          "-subj",
          "/CN=Hourglass scratch " + ca,
          "-addext",
          "basicConstraints=critical,CA:TRUE",
          "-addext",
          "keyUsage=critical,keyCertSign,cRLSign");
    }
    openssl(
        dir,
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=" + CERTIFICATE_HOST_NAME);
    openssl(
        dir,
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.crt",
        "-days",
        "2",
        "-extfile",
        "server.ext");
  }

  private static void openssl(Path dir, String... arguments) throws IOException {
    var command = new ArrayList<String>();
    command.add("/usr/bin/openssl");
    command.addAll(List.of(arguments));
    Path output = dir.resolve("openssl.log");
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
            .start();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IOException(
            "openssl " + String.join(" ", arguments) + " failed:\n" + Files.readString(output));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("Interrupted while running openssl", e);
    }
  }

  public String host() {
    return HOST;
  }

  public int port() {
    return postgres.getPort();
  }

  /** PEM of the CA that signed the server's certificate; null without SSL. */
  public String caCertificatePem() {
    return caCertificatePem;
  }

  /** PEM of a CA that signed nothing this server presents; null without SSL. */
  public String otherCaCertificatePem() {
    return otherCaCertificatePem;
  }

  /** A connection as the trusted superuser {@code postgres}, for setting up. */
  public Connection admin(String database) throws SQLException {
    return postgres.getDatabase("postgres", database).getConnection();
  }

  /** Runs statements as superuser in {@code database}. */
  public void execute(String database, String... statements) {
    try (Connection c = admin(database);
        var s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Setup statement failed: " + e.getMessage(), e);
    }
  }

  /** Creates a login role {@code prefix_<random>} with {@code password}; returns its name. */
  public String createUser(String prefix, String password) {
    String name = prefix + "_" + suffix();
    execute(
        "postgres",
        "create role " + name + " login password '" + password.replace("'", "''") + "'");
    return name;
  }

  /** Creates a database {@code prefix_<random>} owned by {@code owner}; returns its name. */
  public String createDatabase(String prefix, String owner) {
    String name = prefix + "_" + suffix();
    execute("postgres", "create database " + name + " owner " + owner);
    return name;
  }

  /** A password with characters that are easy to spot in a message. */
  public static String randomPassword() {
    return "Pw-" + suffix() + suffix();
  }

  private static String suffix() {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    var text = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      text.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return text.toString();
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not stop scratch PostgreSQL", e);
    } finally {
      deleteRecursively(directory);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not delete " + dir, e);
    }
  }
}
