package dev.hourglass.infra;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A PostgreSQL server the tests and the launcher may create databases on: an embedded one started
 * here ({@link ZonkyPostgres}), one that already runs ({@link ExternalPostgres}), or a private
 * PostgreSQL 15 cluster with pg_cron ({@link PgCronServer}, tests and benchmarks).
 */
public interface PostgresServer extends AutoCloseable {

  /**
   * Admin JDBC URL of an existing server, e.g. {@code jdbc:postgresql://127.0.0.1:5432/postgres}.
   */
  String TEST_URL_VARIABLE = "HOURGLASS_TEST_PG_URL";

  String TEST_USER_VARIABLE = "HOURGLASS_TEST_PG_USER";
  String TEST_PASSWORD_VARIABLE = "HOURGLASS_TEST_PG_PASSWORD";

  /** Starts an embedded server; with a data directory its data outlives {@link #close()}. */
  static PostgresServer embedded(Path dataDirectoryOrNull, int portOr0) {
    return ZonkyPostgres.start(dataDirectoryOrNull, portOr0, null);
  }

  /** Uses a server that already runs; {@link #close()} leaves it running. */
  static PostgresServer external(String adminJdbcUrl, String user, String password) {
    return new ExternalPostgres(adminJdbcUrl, user, password);
  }

  /**
   * The server named by {@value #TEST_URL_VARIABLE} (with {@value #TEST_USER_VARIABLE} and {@value
   * #TEST_PASSWORD_VARIABLE}) if that is set, else a fresh embedded one with throw-away data.
   */
  static PostgresServer fromEnvironmentOrEmbedded() {
    return fromEnvironmentOrEmbedded(System.getenv());
  }

  static PostgresServer fromEnvironmentOrEmbedded(Map<String, String> environment) {
    String url = environment.getOrDefault(TEST_URL_VARIABLE, "").strip();
    if (url.isEmpty()) {
      return embedded(null, 0);
    }
    return external(
        url,
        environment.getOrDefault(TEST_USER_VARIABLE, "postgres"),
        environment.getOrDefault(TEST_PASSWORD_VARIABLE, ""));
  }

  int port();

  /**
   * JDBC URL of {@code database} on this server; connect with {@link #user()}/{@link #password()}.
   */
  String jdbcUrl(String database);

  /** A superuser (or at least a user allowed to create databases). */
  String user();

  String password();

  /** The database the admin statements run in. */
  String adminDatabase();

  default Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database), user(), password());
  }

  /**
   * Creates an empty database named {@code prefix_<8 random characters>}, so parallel test runs on
   * one server never share data, and returns its name.
   */
  default String createDatabase(String prefix) {
    String name = DatabaseNames.requireValid(prefix) + "_" + DatabaseNames.randomSuffix();
    createDatabaseIfMissing(name);
    return name;
  }

  /** Creates {@code name} unless it exists; returns whether it created it. */
  default boolean createDatabaseIfMissing(String name) {
    DatabaseNames.requireValid(name);
    try (Connection admin = connect(adminDatabase());
        PreparedStatement exists =
            admin.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      exists.setString(1, name);
      try (ResultSet rows = exists.executeQuery()) {
        if (rows.next()) {
          return false;
        }
      }
      try (Statement create = admin.createStatement()) {
        create.execute("CREATE DATABASE \"" + name + "\"");
      }
      return true;
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Could not create database " + name + ": " + e.getMessage(), e);
    }
  }

  /** Drops {@code name}, ending its open connections first (PostgreSQL 13+). */
  default void dropDatabase(String name) {
    DatabaseNames.requireValid(name);
    try (Connection admin = connect(adminDatabase());
        Statement drop = admin.createStatement()) {
      // WITH (FORCE) terminates the connections and drops in one step, so a pool that reconnects
      // in between cannot block the drop.
      drop.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
    } catch (SQLException e) {
      throw new IllegalStateException("Could not drop database " + name + ": " + e.getMessage(), e);
    }
  }

  /** A login role created for a test or the launcher; {@code password} is random. */
  record LoginRole(String name, String password) {
    @Override
    public String toString() {
      return "LoginRole[name=" + name + ", password=***]";
    }
  }

  /**
   * Creates a login role named {@code prefix_<8 random characters>} with a random password and no
   * special attributes (no superuser, no BYPASSRLS), as the app's request role must be.
   */
  default LoginRole createLoginRole(String prefix) {
    String name = DatabaseNames.requireValid(prefix) + "_" + DatabaseNames.randomSuffix();
    String password = DatabaseNames.randomSuffix() + DatabaseNames.randomSuffix();
    ensureLoginRole(name, password);
    return new LoginRole(name, password);
  }

  /** Creates role {@code name} if missing and (re)sets its password. */
  default void ensureLoginRole(String name, String password) {
    DatabaseNames.requireValid(name);
    if (!password.matches("[A-Za-z0-9_-]+")) {
      throw new IllegalArgumentException("Role passwords here use letters, digits, '_' and '-'");
    }
    try (Connection admin = connect(adminDatabase());
        Statement st = admin.createStatement()) {
      st.execute(
          "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '"
              + name
              + "') THEN CREATE ROLE \""
              + name
              + "\" LOGIN NOSUPERUSER NOBYPASSRLS; END IF; END $$");
      st.execute("ALTER ROLE \"" + name + "\" PASSWORD '" + password + "'");
    } catch (SQLException e) {
      throw new IllegalStateException("Could not create role " + name + ": " + e.getMessage(), e);
    }
  }

  /** Drops role {@code name}; drop the databases holding its grants first. */
  default void dropRole(String name) {
    DatabaseNames.requireValid(name);
    try (Connection admin = connect(adminDatabase());
        Statement drop = admin.createStatement()) {
      drop.execute("DROP ROLE IF EXISTS \"" + name + "\"");
    } catch (SQLException e) {
      throw new IllegalStateException("Could not drop role " + name + ": " + e.getMessage(), e);
    }
  }

  @Override
  void close();

  /** Keeps identifiers safe to quote into DDL, which takes no bind parameters. */
  final class DatabaseNames {
    private static final Pattern VALID = Pattern.compile("[a-z_][a-z0-9_]{0,53}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private DatabaseNames() {}

    static String requireValid(String name) {
      if (name == null || !VALID.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "Database name '"
                + name
                + "' is not allowed: use lower-case letters, digits and '_', at most 54 characters,"
                + " not starting with a digit");
      }
      return name;
    }

    static String randomSuffix() {
      char[] suffix = new char[8];
      for (int i = 0; i < suffix.length; i++) {
        suffix[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
      }
      return new String(suffix);
    }
  }
}
