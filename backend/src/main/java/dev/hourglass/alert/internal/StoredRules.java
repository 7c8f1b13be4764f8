package dev.hourglass.alert.internal;

import dev.hourglass.alert.AlertRule;
import dev.hourglass.alert.AlertScope;
import dev.hourglass.tenant.Role;
import dev.hourglass.tenant.TenantId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.UUID;

/** Alert rules in table alert_rule, and which one applies (the most specific, as a whole). */
final class StoredRules {

  static final String COLUMNS =
      "on_failure, consecutive_failures, on_disable, on_timeout, on_missed, late_after_seconds,"
          + " down_after_seconds, on_unreachable, on_recovery, quiet_minutes, digest,"
          + " recipient_roles, recipient_emails";

  private StoredRules() {}

  /** The rule for an action: its own, else its database's, else the team's, else the built-in. */
  static AlertRule forAction(Connection c, TenantId tenant, UUID action, UUID database)
      throws SQLException {
    try (var ps =
        c.prepareStatement(
            "select "
                + COLUMNS
                + " from alert_rule where tenant_id = ?"
                + " and (action_id = ? or database_id = ? or (action_id is null and database_id is"
                + " null))"
                + " order by (action_id is not null) desc, (database_id is not null) desc limit 1")) {
      ps.setObject(1, tenant.value());
      ps.setObject(2, action);
      ps.setObject(3, database);
      return first(ps.executeQuery()).orElse(AlertRule.BUILT_IN);
    }
  }

  /** The rule for a database's own events (reachability): its own, else the team's. */
  static AlertRule forDatabase(Connection c, TenantId tenant, UUID database) throws SQLException {
    try (var ps =
        c.prepareStatement(
            "select "
                + COLUMNS
                + " from alert_rule where tenant_id = ? and action_id is null"
                + " and (database_id = ? or database_id is null)"
                + " order by (database_id is not null) desc limit 1")) {
      ps.setObject(1, tenant.value());
      ps.setObject(2, database);
      return first(ps.executeQuery()).orElse(AlertRule.BUILT_IN);
    }
  }

  /** The rule saved for exactly this scope, if any. */
  static Optional<AlertRule> own(Connection c, TenantId tenant, AlertScope scope)
      throws SQLException {
    try (var ps =
        c.prepareStatement(
            "select "
                + COLUMNS
                + " from alert_rule where tenant_id = ? and database_id is not distinct from ?"
                + " and action_id is not distinct from ?")) {
      ps.setObject(1, tenant.value());
      ps.setObject(2, scope.database().map(d -> d.value()).orElse(null));
      ps.setObject(3, scope.action().map(a -> a.value()).orElse(null));
      return first(ps.executeQuery());
    }
  }

  static void save(
      Connection c, TenantId tenant, AlertScope scope, AlertRule rule, String subject, Instant now)
      throws SQLException {
    delete(c, tenant, scope);
    try (var ps =
        c.prepareStatement(
            "insert into alert_rule (tenant_id, database_id, action_id, "
                + COLUMNS
                + ", updated_at, updated_by) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?, ?, ?)")) {
      int i = 1;
      ps.setObject(i++, tenant.value());
      ps.setObject(i++, scope.database().map(d -> d.value()).orElse(null));
      ps.setObject(i++, scope.action().map(a -> a.value()).orElse(null));
      ps.setBoolean(i++, rule.onFailure());
      ps.setObject(i++, rule.consecutiveFailures() == 0 ? null : rule.consecutiveFailures());
      ps.setBoolean(i++, rule.onDisable());
      ps.setBoolean(i++, rule.onTimeout());
      ps.setBoolean(i++, rule.onMissed());
      ps.setInt(i++, (int) rule.lateAfter().toSeconds());
      ps.setInt(i++, (int) rule.downAfter().toSeconds());
      ps.setBoolean(i++, rule.onUnreachable());
      ps.setBoolean(i++, rule.onRecovery());
      ps.setInt(i++, (int) rule.quietPeriod().toMinutes());
      ps.setBoolean(i++, rule.digest());
      ps.setArray(
          i++, c.createArrayOf("text", rule.roles().stream().map(Role::name).sorted().toArray()));
      ps.setArray(i++, c.createArrayOf("text", rule.addresses().toArray()));
      ps.setTimestamp(i++, Timestamp.from(now));
      ps.setString(i++, subject);
      ps.executeUpdate();
    }
  }

  static boolean delete(Connection c, TenantId tenant, AlertScope scope) throws SQLException {
    try (var ps =
        c.prepareStatement(
            "delete from alert_rule where tenant_id = ? and database_id is not distinct from ?"
                + " and action_id is not distinct from ?")) {
      ps.setObject(1, tenant.value());
      ps.setObject(2, scope.database().map(d -> d.value()).orElse(null));
      ps.setObject(3, scope.action().map(a -> a.value()).orElse(null));
      return ps.executeUpdate() > 0;
    }
  }

  private static Optional<AlertRule> first(ResultSet rs) throws SQLException {
    try (rs) {
      return rs.next() ? Optional.of(read(rs, 1)) : Optional.empty();
    }
  }

  /** Reads the {@link #COLUMNS} starting at column {@code at}. */
  static AlertRule read(ResultSet rs, int at) throws SQLException {
    var consecutive = rs.getObject(at + 1, Integer.class);
    var roles = EnumSet.noneOf(Role.class);
    for (var r : (String[]) rs.getArray(at + 11).getArray()) {
      roles.add(Role.valueOf(r));
    }
    return new AlertRule(
        rs.getBoolean(at),
        consecutive == null ? 0 : consecutive,
        rs.getBoolean(at + 2),
        rs.getBoolean(at + 3),
        rs.getBoolean(at + 4),
        Duration.ofSeconds(rs.getInt(at + 5)),
        Duration.ofSeconds(rs.getInt(at + 6)),
        rs.getBoolean(at + 7),
        rs.getBoolean(at + 8),
        Duration.ofMinutes(rs.getInt(at + 9)),
        rs.getBoolean(at + 10),
        roles,
        Arrays.asList((String[]) rs.getArray(at + 12).getArray()));
  }
}
