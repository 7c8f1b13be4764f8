package dev.hourglass.audit.internal;

import static dev.hourglass.testing.TeamBuilder.aPerson;
import static dev.hourglass.testing.TeamBuilder.aTeam;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.audit.Audit;
import dev.hourglass.audit.AuditEntry;
import dev.hourglass.audit.AuditFilter;
import dev.hourglass.audit.AuditKind;
import dev.hourglass.common.AccessDeniedException;
import dev.hourglass.common.Transactions;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.testing.ControlPlaneDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The audit is append-only for the app's database role, and each team reads only its own rows:
 * every attempt here runs as the app role (or, for the trigger, as the owner) and must fail.
 */
class AppendOnlyAuditIT {

  @RegisterExtension static ControlPlaneDatabase db = new ControlPlaneDatabase();

  private final Caller alice = aPerson("Alice");
  private final Caller bob = aPerson("Bob");
  private TenantId teamA;
  private TenantId teamB;

  @BeforeEach
  void twoTeamsWithOneAuditRowEach() throws SQLException {
    teamA = aTeam(db, alice).id();
    teamB = aTeam(db, bob).id();
    record(alice, teamA, "Row of A");
    record(bob, teamB, "Row of B");
  }

  private void record(Caller who, TenantId team, String name) {
    Transactions.inTransaction(
        db.dataSource(),
        who.subject(),
        team.value(),
        "record",
        c -> {
          Audit.record(
              c,
              AuditEntry.of(
                      who, team, Instant.parse("2026-11-26T09:00:00Z"), AuditKind.TEAM, "rename")
                  .object(team.toString(), name)
                  .changes(Map.of("name", "old"), Map.of("name", name)));
          return null;
        });
  }

  /** Runs {@code sql} as the app role inside {@code team}, as alice; returns the SQLSTATE. */
  private String refusedAsApp(TenantId team, String sql) {
    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try {
        Transactions.setScope(c, alice.subject(), team == null ? null : team.value());
        try (var s = c.createStatement()) {
          s.execute(sql);
        }
        return "accepted";
      } finally {
        c.rollback();
      }
    } catch (SQLException e) {
      return e.getSQLState();
    }
  }

  private long visibleAsApp(TenantId team, String where) throws SQLException {
    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try {
        Transactions.setScope(c, alice.subject(), team == null ? null : team.value());
        try (var s = c.createStatement();
            var rs = s.executeQuery("select count(*) from audit_event where " + where)) {
          rs.next();
          return rs.getLong(1);
        }
      } finally {
        c.rollback();
      }
    }
  }

  @Test
  void the_app_role_cannot_update_delete_or_truncate_audit_rows_even_of_its_own_team() {
    assertThat(refusedAsApp(teamA, "update audit_event set object_name = 'forged'"))
        .isEqualTo("42501");
    assertThat(refusedAsApp(teamA, "delete from audit_event")).isEqualTo("42501");
    assertThat(refusedAsApp(teamA, "truncate audit_event")).isEqualTo("42501");
    assertThat(refusedAsApp(teamA, "alter table audit_event disable trigger user"))
        .isEqualTo("42501");
    assertThat(refusedAsApp(teamA, "drop table audit_event")).isEqualTo("42501");
  }

  @Test
  void the_app_role_holds_only_select_and_insert_on_the_audit() throws SQLException {
    try (var c = db.ownerDataSource().getConnection();
        var ps = c.prepareStatement("select has_table_privilege(?, 'audit_event', ?)")) {
      ps.setString(1, db.appRole().name());
      for (var privilege : new String[] {"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE"}) {
        ps.setString(2, privilege);
        try (var rs = ps.executeQuery()) {
          rs.next();
          assertThat(rs.getBoolean(1))
              .as(privilege)
              .isEqualTo(privilege.equals("SELECT") || privilege.equals("INSERT"));
        }
      }
    }
  }

  @Test
  void even_the_owner_role_cannot_change_or_remove_audit_rows_without_disabling_the_trigger()
      throws SQLException {
    try (var c = db.ownerDataSource().getConnection();
        var s = c.createStatement()) {
      for (var sql :
          new String[] {
            "update audit_event set object_name = 'forged'",
            "delete from audit_event",
            "truncate audit_event"
          }) {
        assertThatThrownBy(() -> s.execute(sql))
            .as(sql)
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("append-only");
      }
    }
    assertThat(visibleAsApp(teamA, "object_name = 'Row of A'")).isEqualTo(1);
  }

  @Test
  void one_team_cannot_read_another_teams_audit_rows() throws SQLException {
    assertThat(visibleAsApp(teamA, "true")).isEqualTo(1);
    assertThat(visibleAsApp(teamA, "tenant_id = '" + teamB + "'")).isZero();
    assertThat(visibleAsApp(teamA, "object_name = 'Row of B'")).isZero();
    assertThat(visibleAsApp(null, "true")).as("no team in scope: nothing").isZero();
    // Through the service: alice, owner of A, asks for B's audit.
    var service = new JdbcAuditService(db.dataSource());
    assertThatThrownBy(() -> service.find(alice, teamB, AuditFilter.all(), 0, 10))
        .isInstanceOf(AccessDeniedException.class);
    assertThat(service.find(alice, teamA, AuditFilter.all(), 0, 10))
        .singleElement()
        .satisfies(e -> assertThat(e.objectName()).contains("Row of A"));
  }

  @Test
  void one_team_cannot_write_audit_rows_into_another_team_or_forge_a_sign_in() {
    var insert =
        "insert into audit_event (tenant_id, occurred_at, actor_subject, actor_name, kind,"
            + " operation) values ('%s', now(), '%s', 'x', '%s', 'forged')";
    assertThat(refusedAsApp(teamA, insert.formatted(teamB, alice.subject(), "TEAM")))
        .isEqualTo("42501");
    // A sign-in row may go to another team only for the person's own teams.
    assertThat(refusedAsApp(teamA, insert.formatted(teamB, alice.subject(), "SIGN_IN")))
        .isEqualTo("42501");
    assertThat(refusedAsApp(null, insert.formatted(teamB, bob.subject(), "SIGN_IN")))
        .as("another person's sign-in")
        .isEqualTo("42501");
    assertThat(refusedAsApp(null, insert.formatted(teamA, alice.subject(), "SIGN_IN")))
        .as("one's own sign-in into one's own team")
        .isEqualTo("accepted");
  }
}
