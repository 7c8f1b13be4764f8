package dev.hourglass.dispatch.internal;

import static dev.hourglass.testing.TeamBuilder.aPerson;
import static dev.hourglass.testing.TeamBuilder.aTeam;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.action.Action;
import dev.hourglass.action.ActionConfig;
import dev.hourglass.action.ActionDraft;
import dev.hourglass.action.RoutineName;
import dev.hourglass.action.internal.JdbcActionAuthoring;
import dev.hourglass.action.internal.JdbcActionService;
import dev.hourglass.common.AccessDeniedException;
import dev.hourglass.database.ConnectionSpec;
import dev.hourglass.database.DatabaseDraft;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.database.SslMode;
import dev.hourglass.database.internal.Fleet;
import dev.hourglass.database.internal.JdbcDatabaseService;
import dev.hourglass.dispatch.ActionRun;
import dev.hourglass.dispatch.RunStatus;
import dev.hourglass.platform.Settings;
import dev.hourglass.schedule.ActionSchedule;
import dev.hourglass.schedule.Interval;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.Role;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.testing.ControlPlaneDatabase;
import dev.hourglass.testing.ScratchPostgres;
import dev.hourglass.testing.TestFleet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The run history as the pages read it: real runs made by a dispatcher, read by a viewer of the
 * team, and none of it readable from another team.
 */
class RunHistoryIT {

  @RegisterExtension static ControlPlaneDatabase db = new ControlPlaneDatabase();

  static final Caller ANN = aPerson("Ann");
  static final Caller VERA = aPerson("Vera");
  static final Caller BOB = aPerson("Bob");
  static ScratchPostgres target;
  static Fleet fleet;
  static JdbcRunHistory history;
  static TenantId teamA;
  static TenantId teamB;
  static DatabaseId databaseA;
  static Action flaky;
  static Action idle;

  /**
   * Team A (Ann owns it, Vera views it) has two databases: on one an action that fails every other
   * run, which a dispatcher runs a few times; on the other an action that has not run yet. Bob owns
   * team B.
   */
  @BeforeAll
  static void runsOfTeamA() {
    target = ScratchPostgres.withoutSsl();
    var password = ScratchPostgres.randomPassword();
    var user = target.createUser("runner", password);
    var dbName = target.createDatabase("history", user);
    var clock = Clock.systemUTC();
    fleet = TestFleet.open(db);
    history = new JdbcRunHistory(db.dataSource());
    var authoring = new JdbcActionAuthoring(db.dataSource(), fleet.connections());
    var actions =
        new JdbcActionService(
            db.dataSource(),
            clock,
            fleet.connections(),
            authoring,
            RandomGenerator.of("L64X128MixRandom"));
    var databases = new JdbcDatabaseService(db.dataSource(), clock, TestFleet.BOX, fleet);
    teamA = aTeam(db, ANN).with(VERA, Role.VIEWER).id();
    teamB = aTeam(db, BOB).id();
    var spec =
        new ConnectionSpec(
            target.host(), target.port(), dbName, user, password, SslMode.DISABLE, null);
    databaseA = databases.register(ANN, teamA, DatabaseDraft.of("Orders", "", spec)).id();
    var otherDatabase = databases.register(ANN, teamA, DatabaseDraft.of("Billing", "", spec)).id();
    authoring.createRoutine(
        ANN,
        teamA,
        databaseA,
        """
        create sequence public.calls;
        create procedure public.flaky(job_id integer, config jsonb) language plpgsql as $$
        begin
          if nextval('public.calls') % 2 = 0 then
            raise exception 'every other call fails' using errcode = 'HG002',
                  hint = 'The next one works.';
          end if;
        end $$;
        """);
    var now = clock.instant();
    var soon = now.truncatedTo(ChronoUnit.SECONDS).plusSeconds(2);
    flaky = actions.add(ANN, teamA, draft(databaseA, "Flaky", "1 second", soon, now));
    idle =
        actions.add(
            ANN, teamA, draft(otherDatabase, "Later", "1 hour", now.plusSeconds(3600), now));

    var dispatcher =
        new Dispatcher(
            db.dataSource(),
            clock,
            fleet.connections(),
            new Settings.Dispatch(
                true,
                4,
                4,
                2,
                100,
                Duration.ofMillis(500),
                Duration.ofMillis(50),
                Duration.ofMillis(300),
                Duration.ofSeconds(3),
                Duration.ofSeconds(1)),
            RandomGenerator.of("L64X128MixRandom"));
    dispatcher.start();
    try {
      DispatcherIT.waitFor(
          Duration.ofSeconds(30),
          () ->
              history.runs(ANN, teamA, flaky.id(), 100).stream()
                      .filter(r -> r.status() != RunStatus.CLAIMED)
                      .count()
                  >= 4);
    } finally {
      // Hands back the run it claimed ahead, so every run left is finished.
      dispatcher.stop(Duration.ofSeconds(5));
    }
  }

  /** An action calling public.flaky every {@code every} from {@code start}. */
  private static ActionDraft draft(
      DatabaseId database, String name, String every, Instant start, Instant now) {
    return new ActionDraft(
        database,
        name,
        new RoutineName("public", "flaky"),
        new ActionConfig("{\"note\": \"from " + name + "\"}"),
        Optional.empty(),
        ActionSchedule.every(Interval.parse(every)).initialStart(start).build(now),
        true,
        Duration.ZERO,
        Optional.empty());
  }

  @AfterAll
  static void stop() {
    fleet.close();
    target.close();
  }

  @Test
  void a_viewer_reads_the_runs_newest_first_each_run_by_id_and_all_stats_at_once() {
    var runs = history.runs(VERA, teamA, flaky.id(), 100);
    assertThat(runs).hasSizeGreaterThanOrEqualTo(4);
    assertThat(runs)
        .isSortedAccordingTo(Comparator.comparing(ActionRun::scheduledFor).reversed())
        .extracting(ActionRun::status)
        .contains(RunStatus.SUCCEEDED, RunStatus.FAILED)
        .doesNotContain(RunStatus.CLAIMED);
    var failed = runs.stream().filter(r -> r.status() == RunStatus.FAILED).findFirst().get();
    assertThat(failed.sqlState()).contains("HG002");
    assertThat(failed.message()).contains("every other call fails");
    assertThat(failed.hint()).contains("The next one works.");
    assertThat(failed.config()).contains("from Flaky");
    assertThat(failed.startLag().orElseThrow()).isGreaterThanOrEqualTo(Duration.ZERO);
    assertThat(history.run(VERA, teamA, failed.id())).isEqualTo(failed);
    assertThat(history.runs(VERA, teamA, flaky.id(), 2)).containsExactly(runs.get(0), runs.get(1));

    var all = history.stats(VERA, teamA, Optional.empty());
    assertThat(all).containsOnlyKeys(flaky.id(), idle.id());
    var stats = all.get(flaky.id());
    assertThat(stats).isEqualTo(history.stats(VERA, teamA, flaky.id()));
    assertThat(stats.totalRuns()).isEqualTo(runs.size());
    assertThat(stats.totalSuccesses() + stats.totalFailures()).isEqualTo(runs.size());
    assertThat(stats.lastRunStatus()).contains(runs.get(0).status());
    assertThat(all.get(idle.id()).totalRuns()).isZero();
    assertThat(all.get(idle.id()).lastRunStatus()).isEmpty();
    assertThat(history.stats(VERA, teamA, Optional.of(databaseA))).containsOnlyKeys(flaky.id());
  }

  @Test
  void a_member_of_another_team_reads_none_of_its_runs_or_stats() {
    var runId = history.runs(ANN, teamA, flaky.id(), 1).get(0).id();
    // Naming team A: Bob is no member.
    assertThatThrownBy(() -> history.runs(BOB, teamA, flaky.id(), 100))
        .isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> history.run(BOB, teamA, runId))
        .isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> history.stats(BOB, teamA, flaky.id()))
        .isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> history.stats(BOB, teamA, Optional.empty()))
        .isInstanceOf(AccessDeniedException.class);
    // Naming his own team with team A's ids: nothing is there.
    assertThat(history.runs(BOB, teamB, flaky.id(), 100)).isEmpty();
    assertThatThrownBy(() -> history.run(BOB, teamB, runId))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessage(JdbcRunHistory.NO_RUN);
    assertThatThrownBy(() -> history.stats(BOB, teamB, flaky.id()))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessage(JdbcRunHistory.NO_ACTION);
    assertThat(history.stats(BOB, teamB, Optional.empty())).isEmpty();
    assertThat(history.stats(BOB, teamB, Optional.of(databaseA))).isEmpty();
  }
}
