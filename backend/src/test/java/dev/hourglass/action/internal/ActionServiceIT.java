package dev.hourglass.action.internal;

import static dev.hourglass.testing.TeamBuilder.aPerson;
import static dev.hourglass.testing.TeamBuilder.aTeam;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.action.Action;
import dev.hourglass.action.ActionConfig;
import dev.hourglass.action.ActionDraft;
import dev.hourglass.action.RoutineName;
import dev.hourglass.action.SqlProblem;
import dev.hourglass.common.AccessDeniedException;
import dev.hourglass.common.InvalidInputException;
import dev.hourglass.common.UserFacingException;
import dev.hourglass.database.ConnectionSpec;
import dev.hourglass.database.DatabaseDraft;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.database.SslMode;
import dev.hourglass.database.internal.Fleet;
import dev.hourglass.database.internal.JdbcDatabaseService;
import dev.hourglass.schedule.ActionSchedule;
import dev.hourglass.schedule.CronSpec;
import dev.hourglass.schedule.Interval;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.Role;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.testing.ControlPlaneDatabase;
import dev.hourglass.testing.MutableClock;
import dev.hourglass.testing.ScratchPostgres;
import dev.hourglass.testing.TestFleet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** add_job / alter_job / delete_job / run_job against a real target database. */
class ActionServiceIT {

  @RegisterExtension static ControlPlaneDatabase db = new ControlPlaneDatabase();

  static ScratchPostgres target;
  static String user;
  static String password;

  @BeforeAll
  static void startTarget() {
    target = ScratchPostgres.withoutSsl();
    password = ScratchPostgres.randomPassword();
    user = target.createUser("app", password);
  }

  @AfterAll
  static void stopTarget() {
    target.close();
  }

  static final Instant NOW = Instant.parse("2026-11-26T09:00:00Z");
  private final MutableClock clock = new MutableClock(NOW);
  private final Caller editor = aPerson("Edda");
  private final Caller viewer = aPerson("Vic");
  private TenantId team;
  private DatabaseId database;
  private Fleet fleet;
  private JdbcActionService actions;

  @BeforeEach
  void aTeamWithADatabaseAndRoutines() {
    var owner = aPerson("Olga");
    team = aTeam(db, owner).with(editor, Role.EDITOR).with(viewer, Role.VIEWER).id();
    var box = TestFleet.BOX;
    fleet = TestFleet.open(db);
    var name = target.createDatabase("shop", user);
    database =
        new JdbcDatabaseService(db.dataSource(), clock, box, fleet)
            .register(
                owner,
                team,
                DatabaseDraft.of(
                    "Shop",
                    "",
                    new ConnectionSpec(
                        target.host(), target.port(), name, user, password, SslMode.DISABLE, null)))
            .id();
    var authoring = new JdbcActionAuthoring(db.dataSource(), fleet.connections());
    authoring.createRoutine(
        editor,
        team,
        database,
        """
        create procedure public.nightly(job_id integer, config jsonb) language plpgsql as $$
        begin raise notice 'nightly % %', job_id, config; end $$;
        create function public.check_nightly(config jsonb) returns void language plpgsql as $$
        begin
          if not config ? 'keep' then raise exception 'config needs keep'; end if;
        end $$;
        create function public.wrong(x text) returns void language sql as 'select';
        """);
    actions =
        new JdbcActionService(
            db.dataSource(),
            clock,
            fleet.connections(),
            authoring,
            RandomGenerator.of("L64X128MixRandom"));
  }

  @AfterEach
  void closePools() {
    fleet.close();
  }

  private ActionDraft daily(String name, String config) {
    return new ActionDraft(
        database,
        name,
        new RoutineName("public", "nightly"),
        new ActionConfig(config),
        Optional.of(new RoutineName("public", "check_nightly")),
        ActionSchedule.every(Interval.parse("1 day"))
            .initialStart(Instant.parse("2026-11-27T02:00:00Z"))
            .timezone("Europe/Berlin")
            .build(NOW),
        true,
        Duration.ZERO,
        Optional.empty());
  }

  @Test
  void adding_an_action_computes_its_first_start_and_gives_a_job_id_and_default_name() {
    var added = actions.add(editor, team, daily("", "{\"keep\": 3}"));
    assertThat(added.jobId()).isGreaterThanOrEqualTo(1000);
    assertThat(added.jobName()).isEqualTo("User-Defined Action [" + added.jobId() + "]");
    assertThat(added.nextStart()).contains(Instant.parse("2026-11-27T02:00:00Z"));
    assertThat(added.status()).isEqualTo(Action.Status.ACTIVE);
    assertThat(added.schedule().fixedSchedule()).isTrue();
    assertThat(added.schedule().retryPeriod()).isEqualTo(Interval.ofMinutes(5));
    assertThat(added.schedule().maxRetries().value()).isEqualTo(-1);
    assertThat(actions.list(viewer, team, Optional.of(database))).containsExactly(added);
  }

  @Test
  void a_cron_schedule_starts_at_its_next_slot_in_its_time_zone() {
    var draft =
        new ActionDraft(
            database,
            "Hourly at :15",
            new RoutineName("public", "nightly"),
            ActionConfig.none(),
            Optional.empty(),
            ActionSchedule.cron(CronSpec.parse("15 * * * *"))
                .timezone("America/New_York")
                .build(NOW),
            true,
            Duration.ofMinutes(10),
            Optional.empty());
    var added = actions.add(editor, team, draft);
    assertThat(added.nextStart()).contains(Instant.parse("2026-11-26T09:15:00Z"));
    assertThat(added.maxRuntime()).isEqualTo(Duration.ofMinutes(10));
    assertThat(actions.get(viewer, team, added.id()).schedule()).isEqualTo(added.schedule());
  }

  @Test
  void check_config_rejecting_the_config_saves_nothing() {
    assertThatThrownBy(() -> actions.add(editor, team, daily("Nightly", "{\"other\": 1}")))
        .isInstanceOf(SqlProblem.class)
        .hasMessage("config needs keep");
    assertThat(actions.list(editor, team, Optional.empty())).isEmpty();
  }

  @Test
  void a_missing_routine_or_one_of_the_wrong_signature_is_refused_by_field() {
    for (var routine : List.of("nope", "wrong")) {
      var draft = daily("X", "{\"keep\": 1}");
      var bad =
          new ActionDraft(
              draft.database(),
              "X",
              new RoutineName("public", routine),
              draft.config(),
              Optional.empty(),
              draft.schedule(),
              true,
              Duration.ZERO,
              Optional.empty());
      assertThatThrownBy(() -> actions.add(editor, team, bad))
          .isInstanceOf(InvalidInputException.class)
          .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo("routine"));
    }
    assertThat(actions.list(editor, team, Optional.empty())).isEmpty();
  }

  @Test
  void two_actions_cannot_share_a_name() {
    actions.add(editor, team, daily("Nightly", "{\"keep\": 1}"));
    assertThatThrownBy(() -> actions.add(editor, team, daily("NIGHTLY", "{\"keep\": 1}")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("already has an action called 'NIGHTLY'");
  }

  @Test
  void alter_with_config_merge_keeps_other_keys_and_runs_check_config_again() {
    var added = actions.add(editor, team, daily("Nightly", "{\"keep\": 1, \"mode\": \"full\"}"));
    var merged =
        actions.alter(
            editor, team, added.id(), daily("Nightly", "{\"keep\": 7}"), true, added.version());
    assertThat(merged.config().json()).isEqualTo("{\"keep\":7,\"mode\":\"full\"}");
    assertThat(merged.version()).isEqualTo(added.version() + 1);

    assertThatThrownBy(
            () ->
                actions.alter(
                    editor,
                    team,
                    added.id(),
                    daily("Nightly", "{\"mode\": \"x\"}"),
                    false,
                    merged.version()))
        .isInstanceOf(SqlProblem.class)
        .hasMessage("config needs keep");
    assertThat(actions.get(editor, team, added.id()).config()).isEqualTo(merged.config());
  }

  @Test
  void an_alter_based_on_an_old_version_is_refused() {
    var added = actions.add(editor, team, daily("Nightly", "{\"keep\": 1}"));
    actions.alter(editor, team, added.id(), daily("A", "{\"keep\": 1}"), false, added.version());
    assertThatThrownBy(
            () ->
                actions.alter(
                    editor, team, added.id(), daily("B", "{\"keep\": 1}"), false, added.version()))
        .isInstanceOf(UserFacingException.class)
        .hasMessageContaining("Someone else changed this action");
  }

  @Test
  void pausing_sets_no_next_start_and_resuming_computes_the_next_slot() {
    var added = actions.add(editor, team, daily("Nightly", "{\"keep\": 1}"));
    var paused = actions.pause(editor, team, added.id());
    assertThat(paused).isEqualTo(actions.get(editor, team, added.id()));
    assertThat(paused.status()).isEqualTo(Action.Status.PAUSED);
    assertThat(paused.nextStart()).isEmpty();

    clock.advance(Duration.ofDays(3).plusHours(1)); // 2026-11-29T10:00Z, past three slots
    var resumed = actions.resume(editor, team, added.id());
    assertThat(resumed).isEqualTo(actions.get(editor, team, added.id()));
    assertThat(resumed.status()).isEqualTo(Action.Status.ACTIVE);
    // The next slot of the 02:00 Berlin (= 01:00 UTC in winter) grid after now.
    assertThat(resumed.nextStart()).contains(Instant.parse("2026-11-30T02:00:00Z"));
    assertThat(paused.version()).isLessThan(resumed.version());
  }

  @Test
  void editing_a_paused_action_keeps_it_paused() {
    var added = actions.add(editor, team, daily("Nightly", "{\"keep\": 1}"));
    var paused = actions.pause(editor, team, added.id());
    var current = actions.get(editor, team, added.id());
    var renamed =
        actions.alter(
            editor,
            team,
            added.id(),
            daily("Nightly renamed", "{\"keep\": 2}"),
            false,
            current.version());
    assertThat(renamed.status()).isEqualTo(Action.Status.PAUSED);
    assertThat(renamed.nextStart()).isEmpty();
    assertThat(paused.id()).isEqualTo(added.id());
  }

  @Test
  void an_unscheduled_action_has_no_next_start() {
    var draft = daily("Nightly", "{\"keep\": 1}");
    var off =
        new ActionDraft(
            draft.database(),
            draft.jobName(),
            draft.routine(),
            draft.config(),
            draft.checkConfig(),
            draft.schedule(),
            false,
            Duration.ZERO,
            Optional.empty());
    var added = actions.add(editor, team, off);
    assertThat(added.status()).isEqualTo(Action.Status.DISABLED);
    assertThat(added.nextStart()).isEmpty();
  }

  @Test
  void deleting_archives_the_action_and_it_leaves_the_list() {
    var added = actions.add(editor, team, daily("Nightly", "{\"keep\": 1}"));
    actions.delete(editor, team, added.id());
    assertThat(actions.list(editor, team, Optional.empty())).isEmpty();
    assertThatThrownBy(() -> actions.get(editor, team, added.id()))
        .isInstanceOf(AccessDeniedException.class);
    assertThat(actions.add(editor, team, daily("Nightly", "{\"keep\": 1}")).jobName())
        .as("the name is free again")
        .isEqualTo("Nightly");
  }

  @Test
  void run_now_calls_the_routine_with_the_actions_job_id_and_config() {
    var added = actions.add(editor, team, daily("Nightly", "{\"keep\": 2}"));
    var run = actions.runNow(editor, team, added.id());
    assertThat(run.succeeded()).isTrue();
    assertThat(run.notices())
        .extracting(n -> n.message())
        .contains("nightly " + added.jobId() + " {\"keep\": 2}");
  }

  @Test
  void a_viewer_may_look_but_not_change() {
    var added = actions.add(editor, team, daily("Nightly", "{\"keep\": 1}"));
    assertThat(actions.get(viewer, team, added.id()).jobName()).isEqualTo("Nightly");
    assertThatThrownBy(() -> actions.add(viewer, team, daily("Mine", "{\"keep\": 1}")))
        .isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> actions.pause(viewer, team, added.id()))
        .isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> actions.delete(viewer, team, added.id()))
        .isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> actions.runNow(viewer, team, added.id()))
        .isInstanceOf(AccessDeniedException.class);
  }

  @Test
  void a_fixed_schedule_stepping_by_months_and_days_is_refused() {
    assertThatThrownBy(() -> ActionSchedule.every(Interval.parse("1 month 2 days")).build(NOW))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(
            e -> assertThat(((InvalidInputException) e).field()).isEqualTo("schedule_interval"));
  }
}
