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

  private final Settings.Database settings;
  private final HikariDataSource ownerPool;
  private HikariDataSource appPool;

  private ControlPlane(Settings.Database settings, HikariDataSource ownerPool) {
    this.settings = settings;
    this.ownerPool = ownerPool;
  }

  /** Checks that the database answers, then builds the owner's pool. */
  public static ControlPlane open(Settings.Database settings) {
    checkReachable(settings.url(), settings.user(), settings.password(), "HOURGLASS_DB_USER");
    return new ControlPlane(
        settings, pool("hourglass-owner", settings.url(), settings.user(), settings.password(), 4));
  }

  private static HikariDataSource pool(
      String name, String url, String user, String password, int size) {
    var config = new HikariConfig();
    config.setPoolName(name);
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(Math.min(2, size));
    config.setConnectionTimeout(10_000);
    config.addDataSourceProperty("ApplicationName", "hourglass");
    config.addDataSourceProperty("connectTimeout", "10");
    return new HikariDataSource(config);
  }

  /**
   * Connections as the owner role: migrations, JobRunr's storage, demo data. Never for a request on
   * a tenant's behalf: row-level security does not hold the owner back.
   */
  public DataSource ownerDataSource() {
    return ownerPool;
  }

  /**
   * Connections as the app role, for everything done on a person's or tenant's behalf. Row-level
   * security applies; available after {@link #migrate()}.
   */
  public synchronized DataSource dataSource() {
    if (appPool == null) {
      throw new IllegalStateException("The control plane is not migrated yet");
    }
    return appPool;
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
            .dataSource(ownerPool)
            .locations(MIGRATIONS)
            .placeholders(java.util.Map.of("appRole", settings.appUser()))
            .table("hourglass_schema_history")
            .baselineOnMigrate(false)
            .load();
    refuseFutureSchema(flyway.info().applied(), flyway.info().pending().length);
    flyway.migrate();
    var current = flyway.info().current();
    openAppPool();
    return current == null ? "none" : current.getVersion().getVersion();
  }

  private synchronized void openAppPool() {
    if (appPool != null) {
      return;
    }
    checkReachable(
        settings.url(), settings.appUser(), settings.appPassword(), "HOURGLASS_DB_APP_USER");
    var pool =
        pool(
            "hourglass-app",
            settings.url(),
            settings.appUser(),
            settings.appPassword(),
            settings.maxPoolSize());
    try {
      refuseRoleThatBypassesIsolation(pool, settings.appUser());
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    appPool = pool;
  }

  /** Row-level security is the second wall only if the app role cannot walk around it. */
  private static void refuseRoleThatBypassesIsolation(DataSource pool, String role) {
    try (var c = pool.getConnection();
        var ps =
            c.prepareStatement(
                """
                select r.rolsuper, r.rolbypassrls,
                       exists (select 1 from pg_tables t
                                where t.schemaname = 'public' and t.tablename = 'tenant'
                                  and pg_has_role(current_user, t.tableowner, 'USAGE'))
                  from pg_roles r where r.rolname = current_user
                """);
        var rs = ps.executeQuery()) {
      rs.next();
      String why =
          rs.getBoolean(1)
              ? "is a superuser"
              : rs.getBoolean(2)
                  ? "has BYPASSRLS"
                  : rs.getBoolean(3) ? "owns the tables (or is a member of their owner)" : null;
      if (why != null) {
        throw new StartupException(
            "The app role '"
                + role
                + "' "
                + why
                + ", so row-level security would not isolate tenants. Set HOURGLASS_DB_APP_USER to"
                + " a role that is neither superuser, table owner nor BYPASSRLS (see"
                + " docs/operations.md).");
      }
    } catch (SQLException e) {
      throw new StartupException("Could not check the app role: " + e.getMessage(), e);
    }
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

  private static void checkReachable(String url, String user, String password, String variable) {
    var props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    props.setProperty("connectTimeout", "10");
    props.setProperty("socketTimeout", "10");
    // The driver directly: DriverManager only sees drivers of the caller's class loader, which
    // inside the server is not the web application's.
    try (Connection c = new org.postgresql.Driver().connect(url, props)) {
      c.isValid(5);
    } catch (SQLException e) {
      var passwordVariable = variable.replace("_USER", "_PASSWORD");
      throw new StartupException(
          "The control-plane database at "
              + withoutQuery(url)
              + " "
              + describe(e)
              + " for user '"
              + user
              + "'. Check HOURGLASS_DB_URL, "
              + variable
              + " and "
              + passwordVariable
              + ".");
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
  public synchronized void close() {
    if (appPool != null) {
      appPool.close();
    }
    ownerPool.close();
  }
}
