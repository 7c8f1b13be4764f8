package dev.hourglass.platform;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;

/**
 * The control-plane database: a bounded pool, its reachability check, and its schema.
 *
 * <p>Opening it proves the database answers before anything else starts, so a wrong URL or password
 * stops the start with a sentence naming the setting instead of a pool time-out minutes later. See
 * docs/decisions/0004-20261126-control-plane-and-jobrunr-hosting.md.
 */
public final class ControlPlane implements AutoCloseable {

  static final String MIGRATIONS = "classpath:db/migration/controlplane";

  private final HikariDataSource dataSource;

  private ControlPlane(HikariDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Checks that the database answers, then builds the pool. */
  public static ControlPlane open(Settings.Database settings) {
    checkReachable(settings);
    var config = new HikariConfig();
    config.setPoolName("hourglass-control-plane");
    config.setJdbcUrl(settings.url());
    config.setUsername(settings.user());
    config.setPassword(settings.password());
    config.setMaximumPoolSize(settings.maxPoolSize());
    config.setMinimumIdle(Math.min(2, settings.maxPoolSize()));
    config.setConnectionTimeout(10_000);
    config.addDataSourceProperty("ApplicationName", "hourglass");
    config.addDataSourceProperty("connectTimeout", "10");
    return new ControlPlane(new HikariDataSource(config));
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /**
   * Brings the schema to this build's version.
   *
   * @return the schema version after migrating
   * @throws StartupException when the database holds a schema newer than this build knows
   */
  public String migrate() {
    var flyway =
        Flyway.configure(ControlPlane.class.getClassLoader())
            .dataSource(dataSource)
            .locations(MIGRATIONS)
            .table("hourglass_schema_history")
            .baselineOnMigrate(false)
            .load();
    refuseFutureSchema(flyway.info().applied(), flyway.info().pending().length);
    flyway.migrate();
    var current = flyway.info().current();
    return current == null ? "none" : current.getVersion().getVersion();
  }

  private static void refuseFutureSchema(MigrationInfo[] applied, int pending) {
    for (var m : applied) {
      if (m.getState() == MigrationState.FUTURE_SUCCESS
          || m.getState() == MigrationState.FUTURE_FAILED) {
        throw new StartupException(
            "The control-plane schema is at version "
                + m.getVersion()
                + " ("
                + m.getDescription()
                + "), newer than this build of Hourglass knows. Run the Hourglass release that"
                + " wrote it (or newer); never point an older release at an upgraded database.");
      }
    }
  }

  private static void checkReachable(Settings.Database settings) {
    var props = new Properties();
    props.setProperty("user", settings.user());
    props.setProperty("password", settings.password());
    props.setProperty("connectTimeout", "10");
    props.setProperty("socketTimeout", "10");
    // The driver directly: DriverManager only sees drivers of the caller's class loader, which
    // inside the server is not the web application's.
    try (Connection c = new org.postgresql.Driver().connect(settings.url(), props)) {
      c.isValid(5);
    } catch (SQLException e) {
      throw new StartupException(
          "The control-plane database at "
              + withoutQuery(settings.url())
              + " "
              + describe(e)
              + ". Check HOURGLASS_DB_URL, HOURGLASS_DB_USER and HOURGLASS_DB_PASSWORD.");
    }
  }

  /** A sentence fragment for a failed connection, free of secrets. */
  static String describe(SQLException e) {
    var state = e.getSQLState() == null ? "" : e.getSQLState();
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root instanceof UnknownHostException) {
      return "cannot be reached: the host name does not resolve";
    }
    if (root instanceof ConnectException) {
      return "cannot be reached: the connection was refused (is PostgreSQL running on that port?)";
    }
    if (root instanceof SocketTimeoutException) {
      return "cannot be reached: the connection timed out";
    }
    return switch (state) {
      case "28P01", "28000" -> "refused the user name or password";
      case "3D000" -> "does not exist on that server";
      case "08001", "08004", "08006" -> "cannot be reached (" + state + ")";
      default -> "refused the connection (SQLSTATE " + state + ": " + e.getMessage() + ")";
    };
  }

  private static String withoutQuery(String url) {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
