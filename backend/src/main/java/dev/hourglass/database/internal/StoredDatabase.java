package dev.hourglass.database.internal;

import dev.hourglass.database.Capabilities;
import dev.hourglass.database.ConnectionProblem;
import dev.hourglass.database.ConnectionSpec;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.database.DatabaseStatus;
import dev.hourglass.database.RegisteredDatabase;
import dev.hourglass.database.SslMode;
import dev.hourglass.security.SecretBox;
import dev.hourglass.tenant.TenantId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Reads target_database rows; the sealed password is opened only by {@link #connection}. */
final class StoredDatabase {

  static final String COLUMNS =
      """
      id, tenant_id, name, environment, host, port, database_name, username, ssl_mode,
      ca_certificate, version, created_at, updated_at, reachable, status_since, last_check_at,
      last_problem, last_message, server_version, server_version_num, timescaledb_version,
      pg_cron_version, cron_database_name, can_create_procedures, password_sealed
      """;

  private StoredDatabase() {}

  /** The password's sealing context: a sealed value copied to another row does not open. */
  static String passwordContext(TenantId tenant, DatabaseId id) {
    return "tenant/" + tenant + "/database/" + id + "/password";
  }

  static List<RegisteredDatabase> readAll(Connection c, TenantId tenant) throws SQLException {
    try (var ps =
        c.prepareStatement(
            "select "
                + COLUMNS
                + " from target_database where tenant_id = ? and archived_at is null"
                + " order by lower(name), id")) {
      ps.setObject(1, tenant.value());
      var result = new ArrayList<RegisteredDatabase>();
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          result.add(toRecord(rs));
        }
      }
      return List.copyOf(result);
    }
  }

  /** The row, locked for update when {@code lock}; empty when absent, archived or foreign. */
  static Optional<Row> find(Connection c, TenantId tenant, DatabaseId id, boolean lock)
      throws SQLException {
    try (var ps =
        c.prepareStatement(
            "select "
                + COLUMNS
                + " from target_database where tenant_id = ? and id = ? and archived_at is null"
                + (lock ? " for update" : ""))) {
      ps.setObject(1, tenant.value());
      ps.setObject(2, id.value());
      try (var rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new Row(toRecord(rs), rs.getBytes("password_sealed"), rs.getString("ca_certificate")));
      }
    }
  }

  /** A row with what it takes to connect. */
  record Row(RegisteredDatabase database, byte[] sealedPassword, String caCertificate) {
    ConnectionSpec connection(SecretBox box) {
      var d = database;
      return new ConnectionSpec(
          d.host(),
          d.port(),
          d.database(),
          d.user(),
          box.open(sealedPassword, passwordContext(d.tenant(), d.id())),
          d.sslMode(),
          caCertificate);
    }
  }

  private static RegisteredDatabase toRecord(ResultSet rs) throws SQLException {
    Optional<Capabilities> capabilities = Optional.empty();
    if (rs.getString("server_version") != null) {
      capabilities =
          Optional.of(
              new Capabilities(
                  rs.getString("server_version"),
                  rs.getInt("server_version_num"),
                  Optional.ofNullable(rs.getString("timescaledb_version")),
                  Optional.ofNullable(rs.getString("pg_cron_version")),
                  Optional.ofNullable(rs.getString("cron_database_name")),
                  rs.getBoolean("can_create_procedures")));
    }
    var reachable = rs.getBoolean("reachable");
    var status =
        new DatabaseStatus(
            rs.wasNull() ? Optional.empty() : Optional.of(reachable),
            instant(rs, "status_since"),
            instant(rs, "last_check_at"),
            Optional.ofNullable(rs.getString("last_problem")).map(ConnectionProblem::valueOf),
            Optional.ofNullable(rs.getString("last_message")).orElse(""));
    return new RegisteredDatabase(
        new DatabaseId(rs.getObject("id", UUID.class)),
        new TenantId(rs.getObject("tenant_id", UUID.class)),
        rs.getString("name"),
        rs.getString("environment"),
        rs.getString("host"),
        rs.getInt("port"),
        rs.getString("database_name"),
        rs.getString("username"),
        SslMode.valueOf(rs.getString("ssl_mode")),
        Optional.ofNullable(rs.getString("ca_certificate")),
        rs.getInt("version"),
        rs.getTimestamp("created_at").toInstant(),
        rs.getTimestamp("updated_at").toInstant(),
        status,
        capabilities);
  }

  private static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
    return Optional.ofNullable(rs.getTimestamp(column)).map(Timestamp::toInstant);
  }

  /**
   * Stores the outcome of a check. The "since" moment moves only when reachability flips, so the
   * dashboard can say "unreachable since 10:42".
   */
  static void recordCheck(
      Connection c,
      TenantId tenant,
      DatabaseId id,
      dev.hourglass.database.ConnectionCheck check,
      Instant at)
      throws SQLException {
    recordCheck(c, tenant, id, check, at, -1);
  }

  /**
   * As {@link #recordCheck(Connection, TenantId, DatabaseId,
   * dev.hourglass.database.ConnectionCheck, Instant)}, but only while the row is still at {@code
   * checkedVersion} (ignored when negative): a check of the old settings must not overwrite the
   * status an edit has just recorded.
   */
  static void recordCheck(
      Connection c,
      TenantId tenant,
      DatabaseId id,
      dev.hourglass.database.ConnectionCheck check,
      Instant at,
      int checkedVersion)
      throws SQLException {
    var caps = check.capabilities();
    try (var ps =
        c.prepareStatement(
            """
            update target_database
               set status_since = case when reachable is distinct from ? then ? else status_since end,
                   reachable = ?, last_check_at = ?, last_problem = ?, last_message = ?,
                   server_version = coalesce(?, server_version),
                   server_version_num = coalesce(?, server_version_num),
                   timescaledb_version = case when ? then ? else timescaledb_version end,
                   pg_cron_version = case when ? then ? else pg_cron_version end,
                   cron_database_name = case when ? then ? else cron_database_name end,
                   can_create_procedures = coalesce(?, can_create_procedures)
             where tenant_id = ? and id = ? and (? < 0 or version = ?)
            """)) {
      var ts = Timestamp.from(at);
      int i = 1;
      ps.setBoolean(i++, check.ok());
      ps.setTimestamp(i++, ts);
      ps.setBoolean(i++, check.ok());
      ps.setTimestamp(i++, ts);
      ps.setString(i++, check.problem().map(Enum::name).orElse(null));
      ps.setString(i++, check.message());
      ps.setString(i++, caps.map(Capabilities::serverVersion).orElse(null));
      ps.setObject(
          i++, caps.map(Capabilities::serverVersionNum).orElse(null), java.sql.Types.INTEGER);
      ps.setBoolean(i++, caps.isPresent());
      ps.setString(i++, caps.flatMap(Capabilities::timescaledbVersion).orElse(null));
      ps.setBoolean(i++, caps.isPresent());
      ps.setString(i++, caps.flatMap(Capabilities::pgCronVersion).orElse(null));
      ps.setBoolean(i++, caps.isPresent());
      ps.setString(i++, caps.flatMap(Capabilities::cronDatabaseName).orElse(null));
      ps.setObject(
          i++, caps.map(Capabilities::canCreateProcedures).orElse(null), java.sql.Types.BOOLEAN);
      ps.setObject(i++, tenant.value());
      ps.setObject(i++, id.value());
      ps.setInt(i++, checkedVersion);
      ps.setInt(i++, checkedVersion);
      ps.executeUpdate();
    }
  }
}
