package dev.hourglass.alert.internal;

import static dev.hourglass.common.Transactions.inTransaction;

import dev.hourglass.alert.AlertKind;
import dev.hourglass.audit.Audit;
import dev.hourglass.audit.AuditEntry;
import dev.hourglass.audit.AuditKind;
import dev.hourglass.mail.MailException;
import dev.hourglass.mail.MailGateway;
import dev.hourglass.mail.OutgoingMail;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.TenantId;
import java.net.URI;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Sends what the outbox holds: claims due deliveries across tenants with a lease (so no other node
 * sends them meanwhile), builds each mail in its tenant's scope, sends it through the {@link
 * MailGateway}, and records every attempt with {@link #recordDeliveryAttempt}. A failed attempt is
 * retried with a growing pause, up to {@link #MAX_ATTEMPTS}; digests go out as one mail per
 * recipient.
 */
final class AlertOutbox {

  private static final Logger LOG = Logger.getLogger(AlertOutbox.class.getName());

  /** A node that claimed a delivery has this long to send it before another node may. */
  static final Duration LEASE = Duration.ofMinutes(2);

  /** Attempts before a delivery is given up (pauses 1, 2, 4 … 60 minutes: about 9 hours). */
  static final int MAX_ATTEMPTS = 15;

  private final DataSource dataSource;
  private final Clock clock;
  private final MailGateway mail;
  private final AlertMails mails;

  AlertOutbox(DataSource dataSource, Clock clock, MailGateway mail, URI baseUrl) {
    this.dataSource = dataSource;
    this.clock = clock;
    this.mail = mail;
    this.mails = new AlertMails(baseUrl);
  }

  private record Pending(long id, String recipient, boolean digest, AlertMails.Named named) {}

  /**
   * Sends every delivery that is due.
   *
   * @return how many mails went out
   */
  int deliverDue() {
    var now = clock.instant();
    var byTenant = new LinkedHashMap<TenantId, List<Long>>();
    inTransaction(
        dataSource,
        AlertSweep.SYSTEM,
        null,
        "claim alert mails to send",
        c -> {
          try (var ps =
              c.prepareStatement("select * from hourglass_claim_alert_deliveries(?, ?, ?)")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setTimestamp(2, Timestamp.from(now.plus(LEASE)));
            ps.setInt(3, 200);
            try (var rs = ps.executeQuery()) {
              while (rs.next()) {
                byTenant
                    .computeIfAbsent(
                        new TenantId(rs.getObject(1, UUID.class)), t -> new ArrayList<>())
                    .add(rs.getLong(2));
              }
            }
          }
          return null;
        });
    int sent = 0;
    for (var entry : byTenant.entrySet()) {
      sent += deliver(entry.getKey(), entry.getValue());
    }
    return sent;
  }

  private int deliver(TenantId tenant, List<Long> ids) {
    var zone = new ZoneId[1];
    var tenantName = new String[1];
    var pending =
        inTransaction(
            dataSource,
            AlertSweep.SYSTEM,
            tenant.value(),
            "read alert mails to send",
            c -> {
              zone[0] = AlertEvents.timeZone(c, tenant);
              try (var ps = c.prepareStatement("select name from tenant where id = ?")) {
                ps.setObject(1, tenant.value());
                try (var rs = ps.executeQuery()) {
                  tenantName[0] = rs.next() ? rs.getString(1) : "?";
                }
              }
              var result = new ArrayList<Pending>();
              try (var ps =
                  c.prepareStatement(
                      """
                      select d.id, d.recipient, d.digest, e.kind, e.subject, e.action_id,
                             e.database_id, e.run_id, e.occurred_at, e.run_status, e.attempt,
                             e.consecutive_failures, e.next_start, e.disabled_reason,
                             e.last_success, e.due_at, e.sqlstate, e.message, e.detail, e.hint,
                             a.job_name, a.job_id, coalesce(db.name, adb.name)
                        from alert_delivery d
                        join alert_event e on e.id = d.event_id
                        left join action a on a.tenant_id = e.tenant_id and a.id = e.action_id
                        left join target_database db
                               on db.tenant_id = e.tenant_id and db.id = e.database_id
                        left join target_database adb
                               on adb.tenant_id = a.tenant_id and adb.id = a.database_id
                       where d.tenant_id = ? and d.id = any(?)
                         and d.sent_at is null and d.given_up_at is null
                       order by d.recipient, e.occurred_at, d.id
                      """)) {
                ps.setObject(1, tenant.value());
                ps.setArray(2, c.createArrayOf("bigint", ids.toArray()));
                try (var rs = ps.executeQuery()) {
                  while (rs.next()) {
                    var event =
                        new AlertEvent(
                            AlertKind.valueOf(rs.getString(4)),
                            rs.getString(5),
                            rs.getObject(6, UUID.class),
                            rs.getObject(7, UUID.class),
                            rs.getObject(8, Long.class),
                            rs.getTimestamp(9).toInstant(),
                            rs.getString(10),
                            rs.getObject(11, Integer.class),
                            rs.getObject(12, Integer.class),
                            instant(rs.getTimestamp(13)),
                            rs.getString(14),
                            instant(rs.getTimestamp(15)),
                            instant(rs.getTimestamp(16)),
                            rs.getString(17),
                            rs.getString(18),
                            rs.getString(19),
                            rs.getString(20));
                    result.add(
                        new Pending(
                            rs.getLong(1),
                            rs.getString(2),
                            rs.getBoolean(3),
                            new AlertMails.Named(
                                event,
                                tenant.value(),
                                tenantName[0],
                                rs.getString(23),
                                rs.getString(21),
                                rs.getObject(22, Integer.class))));
                  }
                }
              }
              return result;
            });
    int sent = 0;
    var digests = new LinkedHashMap<String, List<Pending>>();
    for (var p : pending) {
      if (p.digest()) {
        digests.computeIfAbsent(p.recipient(), r -> new ArrayList<>()).add(p);
      } else if (send(tenant, List.of(p.id()), mails.single(p.recipient(), p.named(), zone[0]))) {
        sent++;
      }
    }
    for (var d : digests.entrySet()) {
      var mail =
          mails.digest(
              d.getKey(),
              tenantName[0],
              d.getValue().stream().map(Pending::named).toList(),
              zone[0]);
      if (send(tenant, d.getValue().stream().map(Pending::id).toList(), mail)) {
        sent++;
      }
    }
    return sent;
  }

  private boolean send(TenantId tenant, List<Long> deliveries, OutgoingMail outgoing) {
    try {
      mail.send(outgoing);
    } catch (MailException | IllegalArgumentException e) {
      recordDeliveryAttempt(tenant, deliveries, Optional.of(e.getMessage()));
      return false;
    }
    recordDeliveryAttempt(tenant, deliveries, Optional.empty());
    return true;
  }

  /**
   * Records one attempt to deliver {@code deliveries} (one mail; several for a digest): sent, or
   * failed with {@code error} and retried later, or given up after {@link #MAX_ATTEMPTS}. Every
   * delivery and every failure passes through here, which is where the change audit hooks in.
   */
  void recordDeliveryAttempt(TenantId tenant, List<Long> deliveries, Optional<String> error) {
    var now = clock.instant();
    inTransaction(
        dataSource,
        AlertSweep.SYSTEM,
        tenant.value(),
        "record an alert mail's delivery",
        c -> {
          try (var ps =
              c.prepareStatement(
                  error.isEmpty()
                      ? "update alert_delivery set attempts = attempts + 1, last_attempt_at = ?,"
                          + " sent_at = ?, last_error = null where tenant_id = ? and id = any(?)"
                      : "update alert_delivery set attempts = attempts + 1, last_attempt_at = ?,"
                          + " last_error = ?,"
                          + " next_attempt_at = ?::timestamptz"
                          + " + least(interval '1 hour', interval '1 minute' * power(2, attempts)),"
                          + " given_up_at = case when attempts + 1 >= "
                          + MAX_ATTEMPTS
                          + " then ?::timestamptz end"
                          + " where tenant_id = ? and id = any(?)")) {
            int i = 1;
            ps.setTimestamp(i++, Timestamp.from(now));
            if (error.isEmpty()) {
              ps.setTimestamp(i++, Timestamp.from(now));
            } else {
              ps.setString(i++, truncate(error.get()));
              ps.setTimestamp(i++, Timestamp.from(now));
              ps.setTimestamp(i++, Timestamp.from(now));
            }
            ps.setObject(i++, tenant.value());
            ps.setArray(i++, c.createArrayOf("bigint", deliveries.toArray()));
            ps.executeUpdate();
          }
          audit(c, tenant, deliveries, error, now);
          return null;
        });
    error.ifPresent(
        e ->
            LOG.warning(
                () -> "Alert mail " + deliveries + " of tenant " + tenant + " not sent: " + e));
  }

  /** Who the audit names for mails: the outbox, not a person. */
  static final Caller MAILER = new Caller(AlertSweep.SYSTEM, "hourglass", "Hourglass alerts", "");

  /** One audit row per delivery, in the transaction that records the attempt. */
  private static void audit(
      java.sql.Connection c,
      TenantId tenant,
      List<Long> deliveries,
      Optional<String> error,
      Instant now)
      throws java.sql.SQLException {
    try (var ps =
        c.prepareStatement(
            "select d.id, d.recipient, e.kind, d.attempts, d.given_up_at is not null, d.digest"
                + " from alert_delivery d join alert_event e on e.id = d.event_id"
                + " where d.tenant_id = ? and d.id = any(?) order by d.id")) {
      ps.setObject(1, tenant.value());
      ps.setArray(2, c.createArrayOf("bigint", deliveries.toArray()));
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          var operation = error.isEmpty() ? "sent" : rs.getBoolean(5) ? "given_up" : "failed";
          var after = new java.util.LinkedHashMap<String, Object>();
          after.put("recipient", rs.getString(2));
          after.put("alert", rs.getString(3));
          after.put("attempt", rs.getInt(4));
          after.put("digest", rs.getBoolean(6));
          error.ifPresent(e -> after.put("error", truncate(e)));
          Audit.record(
              c,
              AuditEntry.of(MAILER, tenant, now, AuditKind.ALERT_MAIL, operation)
                  .object(Long.toString(rs.getLong(1)), rs.getString(2))
                  .changes(java.util.Map.of(), after));
        }
      }
    }
  }

  private static String truncate(String s) {
    return s == null ? "unknown error" : s.length() > 1000 ? s.substring(0, 1000) : s;
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
