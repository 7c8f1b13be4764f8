package dev.hourglass.alert.internal;

import dev.hourglass.alert.AlertKind;
import dev.hourglass.alert.AlertRule;
import dev.hourglass.tenant.Role;
import dev.hourglass.tenant.TenantId;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Raises alerts: applies the quiet period, writes the event and one delivery per recipient into the
 * outbox, and keeps the problem open until a recovery. Always on the caller's transaction, in the
 * tenant's scope, so an alert exists exactly when what caused it was recorded.
 */
final class AlertEvents {

  /** Digests go out once a day at this hour in the team's time zone. */
  static final LocalTime DIGEST_AT = LocalTime.of(8, 0);

  private final Clock clock;

  AlertEvents(Clock clock) {
    this.clock = clock;
  }

  /**
   * Raises {@code event} under {@code rule}, unless the same kind was alerted about the same
   * subject within the quiet period (recoveries and test mails are never held back).
   *
   * @return the event's id, or empty when the quiet period held it back
   */
  Optional<Long> raise(Connection c, TenantId tenant, AlertRule rule, AlertEvent event)
      throws SQLException {
    var now = clock.instant();
    boolean quietApplies = event.kind() != AlertKind.RECOVERED && event.kind() != AlertKind.TEST;
    if (quietApplies && inQuietPeriod(c, tenant, event, rule, now)) {
      return Optional.empty();
    }
    var recipients = recipients(c, tenant, rule);
    if (recipients.isEmpty()) {
      return Optional.empty();
    }
    long id = insertEvent(c, tenant, event);
    // A test mail proves the way to the inbox now, so it never waits for the digest.
    boolean digest = rule.digest() && event.kind() != AlertKind.TEST;
    var due = digest ? nextDigest(now, timeZone(c, tenant)) : now;
    try (var ps =
        c.prepareStatement(
            "insert into alert_delivery (tenant_id, event_id, recipient, digest, created_at,"
                + " next_attempt_at) values (?, ?, ?, ?, ?, ?) on conflict do nothing")) {
      for (var r : recipients) {
        ps.setObject(1, tenant.value());
        ps.setLong(2, id);
        ps.setString(3, r);
        ps.setBoolean(4, digest);
        ps.setTimestamp(5, Timestamp.from(now));
        ps.setTimestamp(6, Timestamp.from(due));
        ps.addBatch();
      }
      ps.executeBatch();
    }
    if (quietApplies) {
      try (var ps =
          c.prepareStatement(
              "insert into alert_quiet (tenant_id, subject, kind, last_alerted_at)"
                  + " values (?, ?, ?, ?) on conflict (tenant_id, subject, kind)"
                  + " do update set last_alerted_at = excluded.last_alerted_at")) {
        ps.setObject(1, tenant.value());
        ps.setString(2, event.subject());
        ps.setString(3, event.kind().name());
        ps.setTimestamp(4, Timestamp.from(now));
        ps.executeUpdate();
      }
      try (var ps =
          c.prepareStatement(
              "insert into alert_open (tenant_id, subject, kind, opened_at) values (?, ?, ?, ?)"
                  + " on conflict (tenant_id, subject) do update set kind = excluded.kind")) {
        ps.setObject(1, tenant.value());
        ps.setString(2, event.subject());
        ps.setString(3, event.kind().name());
        ps.setTimestamp(4, Timestamp.from(now));
        ps.executeUpdate();
      }
    }
    return Optional.of(id);
  }

  /**
   * Closes the subject's open problem, if an alert opened one.
   *
   * @return whether one was open (a recovery mail is owed)
   */
  static boolean close(Connection c, TenantId tenant, String subject) throws SQLException {
    try (var ps =
        c.prepareStatement("delete from alert_open where tenant_id = ? and subject = ?")) {
      ps.setObject(1, tenant.value());
      ps.setString(2, subject);
      return ps.executeUpdate() > 0;
    }
  }

  /** Closes the open problems of {@code subjects} in one statement; returns those it closed. */
  static java.util.Set<String> close(Connection c, TenantId tenant, List<String> subjects)
      throws SQLException {
    try (var ps =
        c.prepareStatement(
            "delete from alert_open where tenant_id = ? and subject = any(?) returning subject")) {
      ps.setObject(1, tenant.value());
      ps.setArray(2, c.createArrayOf("text", subjects.toArray()));
      var closed = new java.util.HashSet<String>();
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          closed.add(rs.getString(1));
        }
      }
      return closed;
    }
  }

  static boolean isOpen(Connection c, TenantId tenant, String subject) throws SQLException {
    try (var ps =
        c.prepareStatement("select 1 from alert_open where tenant_id = ? and subject = ?")) {
      ps.setObject(1, tenant.value());
      ps.setString(2, subject);
      try (var rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static boolean inQuietPeriod(
      Connection c, TenantId tenant, AlertEvent event, AlertRule rule, Instant now)
      throws SQLException {
    try (var ps =
        c.prepareStatement(
            "select last_alerted_at from alert_quiet where tenant_id = ? and subject = ?"
                + " and kind = ? for update")) {
      ps.setObject(1, tenant.value());
      ps.setString(2, event.subject());
      ps.setString(3, event.kind().name());
      try (var rs = ps.executeQuery()) {
        return rs.next() && rs.getTimestamp(1).toInstant().plus(rule.quietPeriod()).isAfter(now);
      }
    }
  }

  /**
   * Members in the rule's roles that have an address, and the listed addresses, without repeats.
   */
  static Set<String> recipients(Connection c, TenantId tenant, AlertRule rule) throws SQLException {
    var result = new LinkedHashSet<String>();
    if (!rule.roles().isEmpty()) {
      try (var ps =
          c.prepareStatement(
              "select lower(p.email) from membership m join person p on p.subject = m.subject"
                  + " where m.tenant_id = ? and m.role = any(?) and p.email is not null"
                  + " and p.email <> '' order by 1")) {
        ps.setObject(1, tenant.value());
        ps.setArray(2, c.createArrayOf("text", rule.roles().stream().map(Role::name).toArray()));
        try (var rs = ps.executeQuery()) {
          while (rs.next()) {
            result.add(rs.getString(1));
          }
        }
      }
    }
    rule.addresses().forEach(a -> result.add(a.toLowerCase(Locale.ROOT)));
    return result;
  }

  static ZoneId timeZone(Connection c, TenantId tenant) throws SQLException {
    try (var ps = c.prepareStatement("select time_zone from tenant where id = ?")) {
      ps.setObject(1, tenant.value());
      try (var rs = ps.executeQuery()) {
        if (rs.next()) {
          try {
            return ZoneId.of(rs.getString(1));
          } catch (DateTimeException e) {
            return ZoneOffset.UTC;
          }
        }
        return ZoneOffset.UTC;
      }
    }
  }

  /** The next digest time after {@code now}: {@link #DIGEST_AT} in the team's zone. */
  static Instant nextDigest(Instant now, ZoneId zone) {
    var local = now.atZone(zone);
    var today = local.toLocalDate().atTime(DIGEST_AT).atZone(zone);
    return (today.toInstant().isAfter(now) ? today : today.plusDays(1)).toInstant();
  }

  private static long insertEvent(Connection c, TenantId tenant, AlertEvent e) throws SQLException {
    try (var ps =
        c.prepareStatement(
            "insert into alert_event (tenant_id, kind, subject, action_id, database_id, run_id,"
                + " occurred_at, run_status, attempt, consecutive_failures, next_start,"
                + " disabled_reason, last_success, due_at, sqlstate, message, detail, hint)"
                + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id")) {
      int i = 1;
      ps.setObject(i++, tenant.value());
      ps.setString(i++, e.kind().name());
      ps.setString(i++, e.subject());
      ps.setObject(i++, e.action());
      ps.setObject(i++, e.database());
      ps.setObject(i++, e.runId());
      ps.setTimestamp(i++, Timestamp.from(e.occurredAt()));
      ps.setString(i++, e.runStatus());
      ps.setObject(i++, e.attempt());
      ps.setObject(i++, e.consecutiveFailures());
      ps.setTimestamp(i++, ts(e.nextStart()));
      ps.setString(i++, e.disabledReason());
      ps.setTimestamp(i++, ts(e.lastSuccess()));
      ps.setTimestamp(i++, ts(e.dueAt()));
      ps.setString(i++, e.sqlState());
      ps.setString(i++, e.message());
      ps.setString(i++, e.detail());
      ps.setString(i++, e.hint());
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  static Timestamp ts(Instant t) {
    return t == null ? null : Timestamp.from(t);
  }

  static List<String> sorted(Set<String> s) {
    return s.stream().sorted().toList();
  }
}
