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
import dev.hourglass.common.InvalidInputException;
import dev.hourglass.database.ConnectionSpec;
import dev.hourglass.database.DatabaseDraft;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.database.SslMode;
import dev.hourglass.database.internal.Fleet;
import dev.hourglass.database.internal.JdbcDatabaseService;
import dev.hourglass.dispatch.ActionRun;
import dev.hourglass.dispatch.RetentionPolicy;
import dev.hourglass.dispatch.RunFilter;
import dev.hourglass.dispatch.RunPage;
import dev.hourglass.dispatch.RunStatus;
import dev.hourglass.schedule.ActionSchedule;
import dev.hourglass.schedule.Interval;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.Role;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.testing.ControlPlaneDatabase;
import dev.hourglass.testing.ScratchPostgres;
import dev.hourglass.testing.TestDispatch;
import dev.hourglass.testing.TestFleet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
  static final Caller CARL = aPerson("Carl");
  static ScratchPostgres target;
  static Fleet fleet;
  static JdbcRunHistory history;
  static TenantId teamA;
  static TenantId teamB;
  static DatabaseId databaseA;
  static Action flaky;
  static Action idle;
  static JdbcActionService actions;
  static JdbcDatabaseService databases;
  static ConnectionSpec spec;

  /** The synthetic runs of {@link #idle}, newest first, as inserted. */
  static List<Long> idleRuns = new ArrayList<>();

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
    actions =
        new JdbcActionService(
            db.dataSource(),
            clock,
            fleet.connections(),
            authoring,
            RandomGenerator.of("L64X128MixRandom"));
    databases = new JdbcDatabaseService(db.dataSource(), clock, TestFleet.BOX, fleet);
    teamA = aTeam(db, ANN).with(VERA, Role.VIEWER).id();
    teamB = aTeam(db, BOB).id();
    spec =
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
            TestDispatch.quick(),
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
    // The idle action gets a made-up history of 30 runs, one every 8 hours back from an hour ago:
    // every third failed, some with tricky error texts, one timed out, one crashed.
    var base = now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1));
    for (int i = 0; i < 30; i++) {
      var slot = base.minus(Duration.ofHours(8L * i));
      RunStatus status =
          i == 4
              ? RunStatus.TIMED_OUT
              : i == 7 ? RunStatus.CRASHED : i % 3 == 0 ? RunStatus.FAILED : RunStatus.SUCCEEDED;
      String state =
          switch (status) {
            case FAILED -> i % 2 == 0 ? "42P01" : "23505";
            case TIMED_OUT -> "57014";
            default -> null;
          };
      String message =
          switch (status) {
            case FAILED ->
                i == 9 ? "disk 100% full_now" : "relation \"gone_" + i + "\" does not exist";
            case TIMED_OUT -> "canceling statement due to statement timeout";
            case CRASHED -> "The node stopped answering during the run.";
            default -> null;
          };
      idleRuns.add(insertRun(idle, slot, status, state, message));
    }
  }

  /** Inserts a finished run as the owner, as if a dispatcher had recorded it. */
  static long insertRun(
      Action action, Instant slot, RunStatus status, String state, String message) {
    try (var c = db.ownerDataSource().getConnection();
        var ps =
            c.prepareStatement(
                """
                insert into action_run (tenant_id, action_id, database_id, job_id, scheduled_for,
                    attempt, status, node, claimed_at, started_at, finished_at, sqlstate, message,
                    config)
                select tenant_id, id, database_id, job_id, ?, 1, ?, 'test-node', ?, ?, ?, ?, ?,
                       config
                  from action where id = ?
                returning id
                """)) {
      ps.setTimestamp(1, java.sql.Timestamp.from(slot));
      ps.setString(2, status.name());
      ps.setTimestamp(3, java.sql.Timestamp.from(slot.minusMillis(500)));
      boolean started = status != RunStatus.CLAIMED;
      ps.setTimestamp(4, started ? java.sql.Timestamp.from(slot.plusMillis(3)) : null);
      ps.setTimestamp(5, started ? java.sql.Timestamp.from(slot.plusMillis(40)) : null);
      ps.setString(6, state);
      ps.setString(7, message);
      ps.setObject(8, action.id().value());
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
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

  @Test
  void search_narrows_by_database_action_status_time_sqlstate_and_literal_text() {
    var ofIdle = RunFilter.all().ofAction(idle.id());
    assertThat(ids(history.search(VERA, teamA, ofIdle, Optional.empty(), 100)))
        .containsExactlyElementsOf(idleRuns);
    // The whole team: the flaky action's runs are newer, the idle ones follow in order.
    var team = history.search(VERA, teamA, RunFilter.all(), Optional.empty(), 500).runs();
    assertThat(team).isSortedAccordingTo(Comparator.comparing(ActionRun::scheduledFor).reversed());
    assertThat(ids(team)).endsWith(idleRuns.toArray(Long[]::new));
    assertThat(team).extracting(ActionRun::action).contains(flaky.id());
    // One database: the idle action's database holds only its runs.
    assertThat(
            ids(
                history.search(
                    VERA,
                    teamA,
                    RunFilter.all().inDatabase(idle.database()),
                    Optional.empty(),
                    100)))
        .containsExactlyElementsOf(idleRuns);
    // job_errors: failures of every kind, and only them.
    var errors =
        history
            .search(
                VERA,
                teamA,
                ofIdle.withStatuses(
                    Set.of(RunStatus.FAILED, RunStatus.TIMED_OUT, RunStatus.CRASHED)),
                Optional.empty(),
                100)
            .runs();
    assertThat(errors).hasSize(12).allMatch(r -> r.status().failed());
    var timedOut =
        history.search(
            VERA, teamA, ofIdle.withStatuses(Set.of(RunStatus.TIMED_OUT)), Optional.empty(), 100);
    assertThat(ids(timedOut)).containsExactly(idleRuns.get(4));
    // A time range of slots: from inclusive, to exclusive.
    var newest = history.run(VERA, teamA, idleRuns.get(0)).scheduledFor();
    var range =
        ofIdle.between(Optional.of(newest.minus(Duration.ofHours(16))), Optional.of(newest));
    assertThat(ids(history.search(VERA, teamA, range, Optional.empty(), 100)))
        .containsExactly(idleRuns.get(1), idleRuns.get(2));
    // SQLSTATE, whole and by class.
    var missing = ofIdle.withError(Optional.of("42p01"), Optional.empty());
    assertThat(history.search(VERA, teamA, missing, Optional.empty(), 100).runs())
        .isNotEmpty()
        .allMatch(r -> r.sqlState().equals(Optional.of("42P01")));
    var classOf57 = ofIdle.withError(Optional.of("57"), Optional.empty());
    assertThat(ids(history.search(VERA, teamA, classOf57, Optional.empty(), 100)))
        .containsExactly(idleRuns.get(4));
    // Text in the error, ignoring case; % and _ are letters, not wildcards.
    var literal = ofIdle.withError(Optional.empty(), Optional.of("100% FULL_"));
    assertThat(ids(history.search(VERA, teamA, literal, Optional.empty(), 100)))
        .containsExactly(idleRuns.get(9));
    var wildcard = ofIdle.withError(Optional.empty(), Optional.of("1_0%"));
    assertThat(history.search(VERA, teamA, wildcard, Optional.empty(), 100).runs()).isEmpty();
    // "gone_1" matches gone_12, gone_15 and gone_18, but not gone01 (an underscore is no wildcard).
    var gone = ofIdle.withError(Optional.empty(), Optional.of("GONE_1"));
    assertThat(history.search(VERA, teamA, gone, Optional.empty(), 100).runs())
        .extracting(r -> r.message().orElseThrow())
        .containsExactly(
            "relation \"gone_12\" does not exist",
            "relation \"gone_15\" does not exist",
            "relation \"gone_18\" does not exist");
  }

  @Test
  void pages_follow_each_other_without_gaps_or_repeats() {
    var filter = RunFilter.all().ofAction(idle.id());
    var seen = new ArrayList<Long>();
    Optional<RunPage.Cursor> after = Optional.empty();
    int pages = 0;
    do {
      var page = history.search(VERA, teamA, filter, after, 7);
      assertThat(page.runs()).hasSizeLessThanOrEqualTo(7);
      seen.addAll(ids(page));
      after = page.next();
      pages++;
    } while (after.isPresent());
    assertThat(pages).isEqualTo(5);
    assertThat(seen).containsExactlyElementsOf(idleRuns);
  }

  @Test
  void a_search_that_cannot_be_answered_says_what_to_change() {
    assertThatThrownBy(() -> RunFilter.all().withError(Optional.of("ABC"), Optional.empty()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("five letters or digits");
    assertThatThrownBy(
            () ->
                RunFilter.all()
                    .withStatuses(Set.of(RunStatus.SUCCEEDED))
                    .withError(Optional.empty(), Optional.of("timeout")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Only failed, timed-out and crashed runs have an error");
    var now = Instant.now();
    assertThatThrownBy(() -> RunFilter.all().between(Optional.of(now), Optional.of(now)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("after its start");
    assertThatThrownBy(
            () -> RunFilter.all().withError(Optional.empty(), Optional.of("x".repeat(201))))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void another_team_cannot_search_these_runs_even_naming_their_database_or_action() {
    assertThatThrownBy(() -> history.search(BOB, teamA, RunFilter.all(), Optional.empty(), 100))
        .isInstanceOf(AccessDeniedException.class);
    assertThat(
            history
                .search(BOB, teamB, RunFilter.all().inDatabase(databaseA), Optional.empty(), 100)
                .runs())
        .isEmpty();
    assertThat(
            history
                .search(BOB, teamB, RunFilter.all().ofAction(idle.id()), Optional.empty(), 100)
                .runs())
        .isEmpty();
  }

  @Test
  void retention_keeps_what_the_policy_says_per_team_and_never_a_claimed_run()
      throws java.sql.SQLException {
    var retention = new JdbcRunRetention(db.dataSource(), Clock.systemUTC());
    assertThat(retention.policy(VERA, teamA).policy()).isEqualTo(RetentionPolicy.DEFAULT);
    assertThatThrownBy(
            () ->
                retention.change(VERA, teamA, RetentionPolicy.of(Optional.of(1), Optional.empty())))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining("admin");
    assertThatThrownBy(() -> RetentionPolicy.of(Optional.of(0), Optional.empty()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("whole number of days");
    assertThatThrownBy(() -> RetentionPolicy.of(Optional.empty(), Optional.of(5)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("10 to 10,000,000");

    // Team C: 60 daily runs back from yesterday, and a claimed run 50 days old.
    var teamC = aTeam(db, CARL).id();
    var database = databases.register(CARL, teamC, DatabaseDraft.of("C-orders", "", spec)).id();
    var now = Instant.now();
    var pruned =
        actions.add(
            CARL, teamC, draft(database, "Pruned", "1 day", now.plus(Duration.ofDays(1)), now));
    var daily = new ArrayList<Long>();
    for (int day = 1; day <= 60; day++) {
      daily.add(
          insertRun(pruned, now.minus(Duration.ofDays(day)), RunStatus.SUCCEEDED, null, null));
    }
    long claimed =
        insertRun(
            pruned, now.minus(Duration.ofDays(50)).plusSeconds(1), RunStatus.CLAIMED, null, null);
    // As the ledger would have counted them (the count rule reads total_runs first).
    try (var c = db.ownerDataSource().getConnection();
        var ps = c.prepareStatement("update action set total_runs = 61 where id = ?")) {
      ps.setObject(1, pruned.id().value());
      ps.executeUpdate();
    }
    var teamARuns = history.search(ANN, teamA, RunFilter.all(), Optional.empty(), 500).runs();

    var changed =
        retention.change(CARL, teamC, RetentionPolicy.of(Optional.of(30), Optional.empty()));
    assertThat(changed.policy().maxAge()).contains(Duration.ofDays(30));
    assertThat(changed.policy().maxRunsPerAction()).isEmpty();
    assertThat(changed.changedBy()).contains(CARL.displayName());
    var pruner = new RunPruner(db.dataSource(), Clock.systemUTC());
    var pass = pruner.prune(Duration.ofMinutes(1));
    assertThat(pass.finished()).isTrue();
    assertThat(pass.byAge()).isEqualTo(31); // days 30 (a moment older than 30 days) to 60
    var left = ids(history.search(CARL, teamC, RunFilter.all(), Optional.empty(), 500));
    assertThat(left)
        .containsExactlyInAnyOrderElementsOf(concat(daily.subList(0, 29), List.of(claimed)));

    retention.change(CARL, teamC, RetentionPolicy.of(Optional.of(30), Optional.of(10)));
    pass = pruner.prune(Duration.ofMinutes(1));
    assertThat(pass.byCount()).isEqualTo(19);
    left = ids(history.search(CARL, teamC, RunFilter.all(), Optional.empty(), 500));
    assertThat(left)
        .containsExactlyInAnyOrderElementsOf(concat(daily.subList(0, 10), List.of(claimed)));
    // Team A keeps its defaults (90 days, 10,000 per action): none of its runs went.
    assertThat(history.search(ANN, teamA, RunFilter.all(), Optional.empty(), 500).runs())
        .containsAll(teamARuns);
    // With both rules off, nothing more goes.
    retention.change(CARL, teamC, RetentionPolicy.of(Optional.empty(), Optional.empty()));
    pass = pruner.prune(Duration.ofMinutes(1));
    assertThat(pass.byAge() + pass.byCount()).isZero();
    // Each change is in the team's audit, with the values before and after.
    try (var c = db.ownerDataSource().getConnection();
        var ps =
            c.prepareStatement(
                "select actor_subject, before::text, after::text from audit_event"
                    + " where tenant_id = ? and operation = 'run_retention' order by id")) {
      ps.setObject(1, teamC.value());
      var rows = new ArrayList<String>();
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          assertThat(rs.getString(1)).isEqualTo(CARL.subject());
          rows.add(rs.getString(2) + " -> " + rs.getString(3));
        }
      }
      assertThat(rows)
          .containsExactly(
              "{\"max_age_days\": 90, \"max_runs_per_action\": 10000} -> {\"max_age_days\": 30,"
                  + " \"max_runs_per_action\": null}",
              "{\"max_runs_per_action\": null} -> {\"max_runs_per_action\": 10}",
              "{\"max_age_days\": 30, \"max_runs_per_action\": 10} -> {\"max_age_days\": null,"
                  + " \"max_runs_per_action\": null}");
    }
  }

  private static List<Long> ids(RunPage page) {
    return ids(page.runs());
  }

  private static List<Long> ids(List<ActionRun> runs) {
    return runs.stream().map(ActionRun::id).toList();
  }

  private static List<Long> concat(List<Long> a, List<Long> b) {
    var all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
