package dev.hourglass.action.internal;

import dev.hourglass.action.Action;
import dev.hourglass.audit.Audit;
import dev.hourglass.audit.AuditEntry;
import dev.hourglass.audit.AuditFields;
import dev.hourglass.audit.AuditKind;
import dev.hourglass.schedule.CronSpec;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.TenantId;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;

/** Records an action's changes in the audit, in the transaction that makes them. */
final class ActionAudit {

  private ActionAudit() {}

  /**
   * Records {@code operation} on the action; {@code before} is null for a creation, {@code after}
   * null for a deletion.
   */
  static void record(
      Connection c,
      Caller caller,
      TenantId tenant,
      Instant at,
      String operation,
      Action before,
      Action after)
      throws SQLException {
    var named = after != null ? after : before;
    Audit.record(
        c,
        AuditEntry.of(caller, tenant, at, AuditKind.ACTION, operation)
            .object(named.id().value().toString(), named.jobName())
            .changes(fields(before), fields(after)));
  }

  static Map<String, Object> fields(Action a) {
    if (a == null) {
      return Map.of();
    }
    var s = a.schedule();
    var cron = s.recurrence() instanceof CronSpec;
    return AuditFields.of(
        "job_name", a.jobName(),
        "database", a.databaseName(),
        "proc", a.routine().toString(),
        "config", AuditFields.json(a.config().json()),
        "check_config", a.checkConfig().map(Object::toString),
        "schedule_interval", cron ? null : s.recurrence().toString(),
        "cron", cron ? s.recurrence().toString() : null,
        "initial_start", s.initialStart(),
        "fixed_schedule", s.fixedSchedule(),
        "timezone", s.timezone(),
        "retry_period", s.retryPeriod().toString(),
        "max_retries", s.maxRetries().value(),
        "max_runtime", a.maxRuntime(),
        "scheduled", a.scheduled(),
        "status", a.status().label(),
        "next_start", a.nextStart());
  }
}
