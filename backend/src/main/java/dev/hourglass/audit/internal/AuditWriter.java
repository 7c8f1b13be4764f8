package dev.hourglass.audit.internal;

import dev.hourglass.audit.AuditEntry;
import dev.hourglass.audit.AuditKind;
import dev.hourglass.security.Caller;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/** Inserts audit rows on the caller's connection, inside the caller's transaction. */
public final class AuditWriter {

  private AuditWriter() {}

  public static void insert(Connection c, AuditEntry e) throws SQLException {
    try (var ps =
        c.prepareStatement(
            """
            insert into audit_event (tenant_id, occurred_at, actor_subject, actor_name,
                remote_address, kind, operation, object_id, object_name, before, after)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb)
            """)) {
      ps.setObject(1, e.tenant().value());
      ps.setTimestamp(2, Timestamp.from(e.at()));
      ps.setString(3, e.actor().subject());
      ps.setString(4, name(e.actor()));
      ps.setString(5, address(e.actor()));
      ps.setString(6, e.kind().name());
      ps.setString(7, e.operation());
      ps.setString(8, e.objectId());
      ps.setString(9, e.objectName());
      ps.setString(10, e.before());
      ps.setString(11, e.after());
      ps.executeUpdate();
    }
  }

  public static void insertSignIn(Connection c, Caller person, Instant at) throws SQLException {
    // One statement: a row per team the person belongs to now, else one row in no team.
    try (var ps =
        c.prepareStatement(
            """
            insert into audit_event (tenant_id, occurred_at, actor_subject, actor_name,
                remote_address, kind, operation, object_id, object_name)
            select t.tenant_id, ?, ?, ?, ?, 'SIGN_IN', 'sign_in', ?, ?
              from (select m.tenant_id from membership m where m.subject = ?
                    union all
                    select null where not exists
                      (select 1 from membership m where m.subject = ?)) t
            """)) {
      ps.setTimestamp(1, Timestamp.from(at));
      ps.setString(2, person.subject());
      ps.setString(3, name(person));
      ps.setString(4, address(person));
      ps.setString(5, person.subject());
      ps.setString(6, person.username());
      ps.setString(7, person.subject());
      ps.setString(8, person.subject());
      ps.executeUpdate();
    }
  }

  private static String name(Caller caller) {
    var n = caller.displayName();
    return n.length() <= 255 ? n : n.substring(0, 255);
  }

  private static String address(Caller caller) {
    return caller.address().isEmpty() ? null : caller.address();
  }

  static AuditKind kind(String stored) {
    try {
      return AuditKind.valueOf(stored);
    } catch (IllegalArgumentException e) {
      // A kind written by a newer node during a rolling update: show it as a team change.
      return AuditKind.TEAM;
    }
  }
}
