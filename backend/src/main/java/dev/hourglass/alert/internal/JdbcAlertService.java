package dev.hourglass.alert.internal;

import static dev.hourglass.tenant.TenantAccess.inTenant;

import dev.hourglass.action.ActionId;
import dev.hourglass.alert.AlertDelivery;
import dev.hourglass.alert.AlertKind;
import dev.hourglass.alert.AlertRule;
import dev.hourglass.alert.AlertRules;
import dev.hourglass.alert.AlertScope;
import dev.hourglass.alert.AlertService;
import dev.hourglass.audit.Audit;
import dev.hourglass.audit.AuditEntry;
import dev.hourglass.audit.AuditKind;
import dev.hourglass.common.InvalidInputException;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.Permission;
import dev.hourglass.tenant.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** Alert rules, test mails and the delivery list, one transaction per command. */
@ApplicationScoped
public class JdbcAlertService implements AlertService {

  private DataSource dataSource;
  private Clock clock;
  private AlertEvents events;

  /** For CDI's client proxy only. */
  protected JdbcAlertService() {}

  @Inject
  public JdbcAlertService(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
    this.events = new AlertEvents(clock);
  }

  @Override
  public AlertRules rules(Caller caller, TenantId tenant) {
    return inTenant(
        dataSource,
        caller,
        tenant,
        Permission.VIEW,
        "read the alert rules",
        c -> {
          var own = StoredRules.own(c, tenant, AlertScope.teamDefault());
          var overrides = new ArrayList<AlertRules.Override>();
          try (var ps =
              c.prepareStatement(
                  "select r.database_id, r.action_id, coalesce(d.name, a.job_name), "
                      + StoredRules.COLUMNS.replaceAll("(\\w+)", "r.$1")
                      + " from alert_rule r"
                      + " left join target_database d on d.id = r.database_id"
                      + " left join action a on a.id = r.action_id"
                      + " where r.tenant_id = ? and (r.database_id is not null or r.action_id is"
                      + " not null) and d.archived_at is null and a.archived_at is null"
                      + " order by r.database_id is null, 3")) {
            ps.setObject(1, tenant.value());
            try (var rs = ps.executeQuery()) {
              while (rs.next()) {
                var db = rs.getObject(1, UUID.class);
                var action = rs.getObject(2, UUID.class);
                var scope =
                    db != null
                        ? AlertScope.of(new DatabaseId(db))
                        : AlertScope.of(new ActionId(action));
                overrides.add(
                    new AlertRules.Override(
                        scope,
                        (db != null ? "Database " : "Action ") + rs.getString(3),
                        StoredRules.read(rs, 4)));
              }
            }
          }
          return new AlertRules(
              AlertEvents.timeZone(c, tenant),
              own.orElse(AlertRule.BUILT_IN),
              own.isEmpty(),
              overrides);
        });
  }

  @Override
  public AlertRule effective(Caller caller, TenantId tenant, AlertScope scope) {
    return inTenant(
        dataSource,
        caller,
        tenant,
        Permission.VIEW,
        "read the alert rule",
        c -> effective(c, tenant, scope));
  }

  private static AlertRule effective(Connection c, TenantId tenant, AlertScope scope)
      throws SQLException {
    if (scope.action().isPresent()) {
      var action = scope.action().get().value();
      return StoredRules.forAction(c, tenant, action, databaseOf(c, tenant, action));
    }
    if (scope.database().isPresent()) {
      var database = scope.database().get().value();
      requireDatabase(c, tenant, database);
      return StoredRules.forDatabase(c, tenant, database);
    }
    return StoredRules.own(c, tenant, scope).orElse(AlertRule.BUILT_IN);
  }

  @Override
  public void save(Caller caller, TenantId tenant, AlertScope scope, AlertRule rule) {
    inTenant(
        dataSource,
        caller,
        tenant,
        Permission.EDIT_ACTIONS,
        "save the alert rule",
        c -> {
          if (scope.action().isPresent()) {
            databaseOf(c, tenant, scope.action().get().value());
          }
          if (scope.database().isPresent()) {
            requireDatabase(c, tenant, scope.database().get().value());
          }
          var before = StoredRules.own(c, tenant, scope);
          StoredRules.save(c, tenant, scope, rule, caller.subject(), clock.instant());
          auditRule(
              c,
              caller,
              tenant,
              scope,
              before.isEmpty() ? "create" : "alter",
              before.map(JdbcAlertService::fields).orElse(Map.of()),
              fields(rule));
          return null;
        });
  }

  @Override
  public void removeOverride(Caller caller, TenantId tenant, AlertScope scope) {
    if (scope.isTeamDefault()) {
      throw new InvalidInputException(
          "scope", "The team's default cannot be removed; change it instead.");
    }
    inTenant(
        dataSource,
        caller,
        tenant,
        Permission.EDIT_ACTIONS,
        "remove the alert rule",
        c -> {
          var before = StoredRules.own(c, tenant, scope);
          var result = StoredRules.delete(c, tenant, scope);
          if (before.isPresent()) {
            auditRule(c, caller, tenant, scope, "remove", fields(before.get()), Map.of());
          }
          return result;
        });
  }

  @Override
  public void setTimeZone(Caller caller, TenantId tenant, ZoneId zone) {
    if (zone == null) {
      throw new InvalidInputException("timeZone", "Choose the team's time zone.");
    }
    inTenant(
        dataSource,
        caller,
        tenant,
        Permission.MANAGE_TENANT,
        "change the team's time zone",
        c -> {
          var before = AlertEvents.timeZone(c, tenant);
          try (var ps = c.prepareStatement("update tenant set time_zone = ? where id = ?")) {
            ps.setString(1, zone.getId());
            ps.setObject(2, tenant.value());
            ps.executeUpdate();
          }
          Audit.record(
              c,
              AuditEntry.of(caller, tenant, clock.instant(), AuditKind.TEAM, "time_zone")
                  .object(tenant.value().toString(), null)
                  .changes(Map.of("time_zone", before.getId()), Map.of("time_zone", zone.getId())));
          return null;
        });
  }

  /** The change of a rule in the audit, in the transaction that makes it. */
  private void auditRule(
      Connection c,
      Caller caller,
      TenantId tenant,
      AlertScope scope,
      String operation,
      Map<String, ?> before,
      Map<String, ?> after)
      throws SQLException {
    var id =
        scope
            .action()
            .map(a -> "action:" + a.value())
            .or(() -> scope.database().map(d -> "database:" + d.value()))
            .orElse("team");
    var name =
        scope.action().isPresent()
            ? "Rule of an action"
            : scope.database().isPresent() ? "Rule of a database" : "Team default rule";
    Audit.record(
        c,
        AuditEntry.of(caller, tenant, clock.instant(), AuditKind.ALERT_RULE, operation)
            .object(id, name)
            .changes(before, after));
  }

  private static Map<String, Object> fields(AlertRule r) {
    var f = new java.util.LinkedHashMap<String, Object>();
    f.put("on_failure", r.onFailure());
    f.put("consecutive_failures", r.consecutiveFailures());
    f.put("on_disable", r.onDisable());
    f.put("on_timeout", r.onTimeout());
    f.put("on_missed", r.onMissed());
    f.put("late_after", r.lateAfter().toString());
    f.put("down_after", r.downAfter().toString());
    f.put("on_unreachable", r.onUnreachable());
    f.put("on_recovery", r.onRecovery());
    f.put("quiet_period", r.quietPeriod().toString());
    f.put("digest", r.digest());
    f.put("roles", r.roles().stream().map(Enum::name).sorted().toList());
    f.put("addresses", List.copyOf(r.addresses()));
    return f;
  }

  @Override
  public List<String> sendTestMail(Caller caller, TenantId tenant, AlertScope scope) {
    return inTenant(
        dataSource,
        caller,
        tenant,
        Permission.EDIT_ACTIONS,
        "queue a test mail",
        c -> {
          var rule = effective(c, tenant, scope);
          var recipients = AlertEvents.recipients(c, tenant, rule);
          if (recipients.isEmpty()) {
            throw new InvalidInputException(
                "recipients",
                "Nobody would receive this rule's alerts: no member in the chosen roles has a mail"
                    + " address, and no address is listed. Add an address and save first.");
          }
          UUID database = scope.database().map(DatabaseId::value).orElse(null);
          UUID action = scope.action().map(ActionId::value).orElse(null);
          if (action != null) {
            database = databaseOf(c, tenant, action);
          }
          events.raise(
              c,
              tenant,
              rule,
              AlertEvent.about(AlertKind.TEST, "test", action, database, clock.instant()));
          return AlertEvents.sorted(recipients);
        });
  }

  @Override
  public List<AlertDelivery> recentDeliveries(Caller caller, TenantId tenant, int limit) {
    return inTenant(
        dataSource,
        caller,
        tenant,
        Permission.VIEW,
        "read the latest alert mails",
        c -> {
          var result = new ArrayList<AlertDelivery>();
          try (var ps =
              c.prepareStatement(
                  """
                  select d.id, e.kind, coalesce(a.job_name, db.name, 'team'), d.recipient,
                         d.digest, d.created_at, d.attempts, d.sent_at, d.last_error,
                         d.given_up_at is not null
                    from alert_delivery d
                    join alert_event e on e.id = d.event_id
                    left join action a on a.id = e.action_id
                    left join target_database db on db.id = e.database_id
                   where d.tenant_id = ?
                   order by d.created_at desc, d.id desc
                   limit ?
                  """)) {
            ps.setObject(1, tenant.value());
            ps.setInt(2, Math.max(1, Math.min(limit, 500)));
            try (var rs = ps.executeQuery()) {
              while (rs.next()) {
                var sent = rs.getTimestamp(8);
                result.add(
                    new AlertDelivery(
                        rs.getLong(1),
                        AlertKind.valueOf(rs.getString(2)),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getBoolean(5),
                        rs.getTimestamp(6).toInstant(),
                        rs.getInt(7),
                        Optional.ofNullable(sent).map(java.sql.Timestamp::toInstant),
                        Optional.ofNullable(rs.getString(9)),
                        rs.getBoolean(10)));
              }
            }
          }
          return result;
        });
  }

  private static UUID databaseOf(Connection c, TenantId tenant, UUID action) throws SQLException {
    try (var ps =
        c.prepareStatement(
            "select database_id from action where tenant_id = ? and id = ?"
                + " and archived_at is null")) {
      ps.setObject(1, tenant.value());
      ps.setObject(2, action);
      try (var rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new InvalidInputException(
              "action", "There is no such action in this team; it may have been deleted.");
        }
        return rs.getObject(1, UUID.class);
      }
    }
  }

  private static void requireDatabase(Connection c, TenantId tenant, UUID database)
      throws SQLException {
    try (var ps =
        c.prepareStatement(
            "select 1 from target_database where tenant_id = ? and id = ?"
                + " and archived_at is null")) {
      ps.setObject(1, tenant.value());
      ps.setObject(2, database);
      try (var rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new InvalidInputException(
              "database", "There is no such database in this team; it may have been removed.");
        }
      }
    }
  }
}
