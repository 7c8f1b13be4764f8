package dev.hourglass.action.internal;

import static dev.hourglass.testing.TeamBuilder.aPerson;
import static dev.hourglass.testing.TeamBuilder.aTeam;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.action.Action;
import dev.hourglass.action.ActionConfig;
import dev.hourglass.action.ActionDraft;
import dev.hourglass.action.RoutineName;
import dev.hourglass.common.AccessDeniedException;
import dev.hourglass.database.ConnectionSpec;
import dev.hourglass.database.DatabaseDraft;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.database.SslMode;
import dev.hourglass.database.internal.Fleet;
import dev.hourglass.database.internal.JdbcDatabaseService;
import dev.hourglass.schedule.ActionSchedule;
import dev.hourglass.schedule.Interval;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.testing.ControlPlaneDatabase;
import dev.hourglass.testing.MutableClock;
import dev.hourglass.testing.ScratchPostgres;
import dev.hourglass.testing.TestFleet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Team A's owner tries to read, change or run team B's action; every attempt fails. */
class ActionIsolationIT {

  @RegisterExtension static ControlPlaneDatabase db = new ControlPlaneDatabase();

  static ScratchPostgres target;
  static Fleet fleet;
  static JdbcActionService actions;
  static final Caller ANN = aPerson("Ann");
  static final Caller BOB = aPerson("Bob");
  static TenantId teamA;
  static TenantId teamB;
  static DatabaseId databaseA;
  static Action actionB;

  @BeforeAll
  static void twoTeamsEachWithAnAction() {
    target = ScratchPostgres.withoutSsl();
    var password = ScratchPostgres.randomPassword();
    var user = target.createUser("app", password);
    var clock = new MutableClock(Instant.parse("2026-11-26T09:00:00Z"));
    var box = TestFleet.BOX;
    fleet = TestFleet.open(db);
    var databases = new JdbcDatabaseService(db.dataSource(), clock, box, fleet);
    var authoring = new JdbcActionAuthoring(db.dataSource(), fleet.connections());
    actions =
        new JdbcActionService(
            db.dataSource(),
            clock,
            fleet.connections(),
            authoring,
            RandomGenerator.of("L64X128MixRandom"));
    teamA = aTeam(db, ANN).id();
    teamB = aTeam(db, BOB).id();
    DatabaseId databaseB = null;
    for (var team : List.of(teamA, teamB)) {
      var owner = team.equals(teamA) ? ANN : BOB;
      var name = target.createDatabase("db", user);
      var id =
          databases
              .register(
                  owner,
                  team,
                  DatabaseDraft.of(
                      "Main",
                      "",
                      new ConnectionSpec(
                          target.host(),
                          target.port(),
                          name,
                          user,
                          password,
                          SslMode.DISABLE,
                          null)))
              .id();
      authoring.createRoutine(
          owner,
          team,
          id,
          "create procedure public.secret_job(job_id integer, config jsonb) language plpgsql"
              + " as $$ begin raise notice 'ran'; end $$");
      if (team.equals(teamA)) {
        databaseA = id;
      } else {
        databaseB = id;
      }
    }
    actionB = actions.add(BOB, teamB, draft(databaseB, "Bob's secret job"));
  }

  @AfterAll
  static void stop() {
    fleet.close();
    target.close();
  }

  static ActionDraft draft(DatabaseId database, String name) {
    return new ActionDraft(
        database,
        name,
        new RoutineName("public", "secret_job"),
        new ActionConfig("{\"token\": \"b-only\"}"),
        Optional.empty(),
        ActionSchedule.every(Interval.parse("1 hour")).build(Instant.parse("2026-11-26T09:00:00Z")),
        true,
        Duration.ZERO,
        Optional.empty());
  }

  private static void refused(String what, Consumer<TenantId> attempt) {
    for (var tenant : List.of(teamA, teamB)) {
      assertThatThrownBy(() -> attempt.accept(tenant))
          .as("%s with team %s's id", what, tenant.equals(teamA) ? "A" : "B")
          .isInstanceOf(AccessDeniedException.class)
          .hasMessageNotContaining("Bob")
          .hasMessageNotContaining("b-only");
    }
    var after = actions.get(BOB, teamB, actionB.id());
    assertThat(after).as("B's action unchanged after %s", what).isEqualTo(actionB);
  }

  @Test
  void reading_b_s_action_fails() {
    refused("get", t -> actions.get(ANN, t, actionB.id()));
    assertThat(actions.list(ANN, teamA, Optional.empty())).isEmpty();
    assertThatThrownBy(() -> actions.list(ANN, teamB, Optional.empty()))
        .isInstanceOf(AccessDeniedException.class);
  }

  @Test
  void altering_pausing_resuming_or_deleting_b_s_action_fails() {
    refused(
        "alter",
        t ->
            actions.alter(
                ANN, t, actionB.id(), draft(databaseA, "Mine now"), false, actionB.version()));
    refused("pause", t -> actions.pause(ANN, t, actionB.id()));
    refused("resume", t -> actions.resume(ANN, t, actionB.id()));
    refused("delete", t -> actions.delete(ANN, t, actionB.id()));
  }

  @Test
  void running_b_s_action_fails() {
    refused("run now", t -> actions.runNow(ANN, t, actionB.id()));
  }

  @Test
  void adding_an_action_on_b_s_database_fails() {
    assertThatThrownBy(() -> actions.add(ANN, teamA, draft(actionB.database(), "Sneaky")))
        .isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> actions.add(ANN, teamB, draft(actionB.database(), "Sneaky")))
        .isInstanceOf(AccessDeniedException.class);
  }

  @Test
  void the_app_role_without_a_tenant_sees_no_action_rows() throws Exception {
    try (var c = db.dataSource().getConnection();
        var rs = c.createStatement().executeQuery("select count(*) from action")) {
      rs.next();
      assertThat(rs.getInt(1)).isZero();
    }
    try (var c = db.dataSource().getConnection();
        var st = c.createStatement()) {
      assertThat(st.executeUpdate("update action set job_name = 'x'")).isZero();
    }
  }
}
