package dev.hourglass.alert.internal;

import static dev.hourglass.common.Transactions.inTransaction;

import dev.hourglass.alert.AlertKind;
import dev.hourglass.tenant.TenantId;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * What no run outcome tells: runs that did not start (Late after the grace period, then Down, as
 * Healthchecks.io does) and databases that became unreachable (the fleet monitor's finding), and
 * their recovery. Finds candidates across tenants through one owner function (ids only), then
 * handles each tenant in its own scope and transaction.
 */
final class AlertSweep {

  static final String SYSTEM = "system:alerts";

  private final DataSource dataSource;
  private final Clock clock;
  private final AlertEvents events;

  AlertSweep(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
    this.events = new AlertEvents(clock);
  }

  private record Finding(String kind, UUID action, UUID database, Instant due) {}

  /**
   * @return how many alerts were raised
   */
  int sweep() {
    var now = clock.instant();
    var byTenant = new LinkedHashMap<TenantId, List<Finding>>();
    inTransaction(
        dataSource,
        SYSTEM,
        null,
        "look for missed runs and unreachable databases",
        c -> {
          try (var ps = c.prepareStatement("select * from hourglass_alert_sweep(?)")) {
            ps.setTimestamp(1, Timestamp.from(now));
            try (var rs = ps.executeQuery()) {
              while (rs.next()) {
                var due = rs.getTimestamp(5);
                byTenant
                    .computeIfAbsent(
                        new TenantId(rs.getObject(1, UUID.class)), t -> new ArrayList<>())
                    .add(
                        new Finding(
                            rs.getString(2),
                            rs.getObject(3, UUID.class),
                            rs.getObject(4, UUID.class),
                            due == null ? null : due.toInstant()));
              }
            }
          }
          return null;
        });
    int raised = 0;
    for (var entry : byTenant.entrySet()) {
      raised +=
          inTransaction(
              dataSource,
              SYSTEM,
              entry.getKey().value(),
              "raise alerts for missed runs and unreachable databases",
              c -> {
                // Every node sweeps: one tenant's findings are handled by one node at a time, so
                // the checks below (already open, already alerted for this slot) see the other's.
                try (var lock =
                    c.prepareStatement("select pg_advisory_xact_lock(7286013, hashtext(?))")) {
                  lock.setString(1, entry.getKey().value().toString());
                  lock.execute();
                }
                int n = 0;
                for (var f : entry.getValue()) {
                  n += handle(c, entry.getKey(), f, now) ? 1 : 0;
                }
                return n;
              });
    }
    return raised;
  }

  private boolean handle(Connection c, TenantId tenant, Finding f, Instant now)
      throws SQLException {
    switch (f.kind()) {
      case "OVERDUE" -> {
        var rule = StoredRules.forAction(c, tenant, f.action(), f.database());
        if (!rule.onMissed()) {
          return false;
        }
        var late = Duration.between(f.due(), now);
        AlertKind kind;
        if (late.compareTo(rule.downAfter()) >= 0) {
          kind = AlertKind.DOWN;
        } else if (late.compareTo(rule.lateAfter()) >= 0) {
          kind = AlertKind.LATE;
        } else {
          return false;
        }
        if (alertedForSlot(c, tenant, f.action(), kind, f.due())) {
          return false;
        }
        var event =
            AlertEvent.about(
                    kind, AlertEvent.actionSubject(f.action()), f.action(), f.database(), now)
                .withDue(f.due());
        return events.raise(c, tenant, rule, event).isPresent();
      }
      case "UNREACHABLE" -> {
        var subject = AlertEvent.databaseSubject(f.database());
        if (AlertEvents.isOpen(c, tenant, subject)) {
          return false;
        }
        var rule = StoredRules.forDatabase(c, tenant, f.database());
        if (!rule.onUnreachable()) {
          return false;
        }
        var event =
            AlertEvent.about(AlertKind.UNREACHABLE, subject, null, f.database(), now)
                .withDue(f.due())
                .withProblem(lastProblem(c, tenant, f.database()));
        return events.raise(c, tenant, rule, event).isPresent();
      }
      case "REACHABLE" -> {
        var subject = AlertEvent.databaseSubject(f.database());
        if (!AlertEvents.close(c, tenant, subject)) {
          return false;
        }
        var rule = StoredRules.forDatabase(c, tenant, f.database());
        if (!rule.onRecovery()) {
          return false;
        }
        return events
            .raise(
                c,
                tenant,
                rule,
                AlertEvent.about(AlertKind.RECOVERED, subject, null, f.database(), now))
            .isPresent();
      }
      default -> throw new IllegalStateException("Unknown sweep finding " + f.kind());
    }
  }

  private static boolean alertedForSlot(
      Connection c, TenantId tenant, UUID action, AlertKind kind, Instant due) throws SQLException {
    try (var ps =
        c.prepareStatement(
            "select 1 from alert_event where tenant_id = ? and action_id = ? and kind = ?"
                + " and due_at = ?")) {
      ps.setObject(1, tenant.value());
      ps.setObject(2, action);
      ps.setString(3, kind.name());
      ps.setTimestamp(4, Timestamp.from(due));
      try (var rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static String lastProblem(Connection c, TenantId tenant, UUID database)
      throws SQLException {
    try (var ps =
        c.prepareStatement(
            "select coalesce(last_message, last_problem) from target_database"
                + " where tenant_id = ? and id = ?")) {
      ps.setObject(1, tenant.value());
      ps.setObject(2, database);
      try (var rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }
}
