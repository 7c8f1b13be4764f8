package dev.hourglass.dispatch.internal;

import static dev.hourglass.testing.TeamBuilder.aPerson;
import static dev.hourglass.testing.TeamBuilder.aTeam;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.action.Action;
import dev.hourglass.action.ActionConfig;
import dev.hourglass.action.ActionDraft;
import dev.hourglass.action.RoutineName;
import dev.hourglass.action.internal.JdbcActionAuthoring;
import dev.hourglass.action.internal.JdbcActionService;
import dev.hourglass.database.ConnectionSpec;
import dev.hourglass.database.DatabaseDraft;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.database.SslMode;
import dev.hourglass.database.internal.Fleet;
import dev.hourglass.database.internal.JdbcDatabaseService;
import dev.hourglass.dispatch.ActionRun;
import dev.hourglass.dispatch.RunStatus;
import dev.hourglass.schedule.ActionSchedule;
import dev.hourglass.schedule.Interval;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.testing.ControlPlaneDatabase;
import dev.hourglass.testing.ScratchPostgres;
import dev.hourglass.testing.TestDispatch;
import dev.hourglass.testing.TestFleet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dispatcher against a real control plane and a real target: every slot runs once, on or after
 * its time, outcomes and statistics are recorded, failures back off, max_runtime stops the call, a
 * dead node's runs are crashed or handed on, and one tenant's hanging runs leave another's alone.
 */
class DispatcherIT {

  @RegisterExtension static ControlPlaneDatabase db = new ControlPlaneDatabase();

  static ScratchPostgres target;
  static String user;
  static String password;

  @BeforeAll
  static void startTarget() {
    target = ScratchPostgres.withoutSsl();
    password = ScratchPostgres.randomPassword();
    user = target.createUser("runner", password);
  }

  @AfterAll
  static void stopTarget() {
    target.close();
  }

  private final Clock clock = Clock.systemUTC();
  private final List<Dispatcher> dispatchers = new ArrayList<>();
  private Fleet fleet;
  private JdbcActionAuthoring authoring;
  private JdbcActionService actions;
  private JdbcRunHistory history;

  /** A team with one database holding the test procedures. */
  private record Team(Caller owner, TenantId id, DatabaseId database, String databaseName) {}

  @BeforeEach
  void services() {
    fleet = TestFleet.open(db);
    authoring = new JdbcActionAuthoring(db.dataSource(), fleet.connections());
    actions =
        new JdbcActionService(
            db.dataSource(),
            clock,
            fleet.connections(),
            authoring,
            RandomGenerator.of("L64X128MixRandom"));
    history = new JdbcRunHistory(db.dataSource());
  }

  @AfterEach
  void stopAll() {
    dispatchers.forEach(d -> d.stop(Duration.ofSeconds(5)));
    fleet.close();
  }

  private Team aTeamWithADatabase(String name) {
    var owner = aPerson("Olga");
    var team = aTeam(db, owner).id();
    var dbName = target.createDatabase(name, user);
    var database =
        new JdbcDatabaseService(db.dataSource(), clock, TestFleet.BOX, fleet)
            .register(
                owner,
                team,
                DatabaseDraft.of(
                    name,
                    "",
                    new ConnectionSpec(
                        target.host(),
                        target.port(),
                        dbName,
                        user,
                        password,
                        SslMode.DISABLE,
                        null)))
            .id();
    authoring.createRoutine(
        owner,
        team,
        database,
        """
        create table public.run_log (
            job_id integer, at timestamptz default clock_timestamp(), app text);
        create procedure public.log_run(job_id integer, config jsonb) language plpgsql as $$
        declare first boolean;
        begin
          first := not exists (select 1 from public.run_log l where l.job_id = log_run.job_id);
          insert into public.run_log (job_id, app)
               values (job_id, current_setting('application_name'));
          -- Visible at once, and kept when a time-out cancels the rest.
          commit;
          if config ? 'sleep' then perform pg_sleep((config->>'sleep')::float); end if;
          if first and config ? 'sleep_first' then
            perform pg_sleep((config->>'sleep_first')::float);
          end if;
          for i in 1 .. coalesce((config->>'notices')::int, 0) loop
            raise notice 'step %', i;
          end loop;
        end $$;
        create procedure public.fail_run(job_id integer, config jsonb) language plpgsql as $$
        begin
          insert into public.run_log (job_id) values (job_id);
          raise exception 'partner feed is down' using errcode = 'HG001',
                detail = 'HTTP 503 from feed.example.com', hint = 'Try again later.';
        end $$;
        """);
    return new Team(owner, team, database, dbName);
  }

  private Action everySecond(Team team, String procedure, String config, int maxRetries) {
    var start = clock.instant().truncatedTo(ChronoUnit.SECONDS).plusSeconds(2);
    return actions.add(
        team.owner(),
        team.id(),
        new ActionDraft(
            team.database(),
            "",
            new RoutineName("public", procedure),
            new ActionConfig(config),
            Optional.empty(),
            ActionSchedule.every(Interval.parse("1 second"))
                .initialStart(start)
                .retryPeriod(Interval.parse("1 second"))
                .maxRetries(maxRetries)
                .build(clock.instant()),
            true,
            Duration.ZERO,
            Optional.empty()));
  }

  /** An hourly log_run action whose first slot is {@code start}. */
  private Action hourly(Team team, String name, String config, Instant start, Duration maxRuntime) {
    return actions.add(
        team.owner(),
        team.id(),
        new ActionDraft(
            team.database(),
            name,
            new RoutineName("public", "log_run"),
            new ActionConfig(config),
            Optional.empty(),
            ActionSchedule.every(Interval.parse("1 hour")).initialStart(start).build(start),
            true,
            maxRuntime,
            Optional.empty()));
  }

  private Dispatcher dispatcher(int tenantRuns, Duration lookahead) {
    var d =
        new Dispatcher(
            db.dataSource(),
            clock,
            fleet.connections(),
            TestDispatch.quick(16, tenantRuns, lookahead),
            RandomGenerator.of("L64X128MixRandom"));
    dispatchers.add(d);
    d.start();
    return d;
  }

  private List<ActionRun> finishedRuns(Team team, Action action) {
    return history.runs(team.owner(), team.id(), action.id(), 1000).stream()
        .filter(r -> r.status() != RunStatus.CLAIMED)
        .sorted(java.util.Comparator.comparing(ActionRun::scheduledFor))
        .toList();
  }

  /** When the target's procedure ran, per call, oldest first. */
  private List<Instant> targetCalls(Team team, int jobId) {
    var result = new ArrayList<Instant>();
    try (var c = target.admin(team.databaseName());
        var ps = c.prepareStatement("select at from public.run_log where job_id = ? order by at")) {
      ps.setInt(1, jobId);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          result.add(rs.getTimestamp(1).toInstant());
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return result;
  }

  @Test
  void every_slot_runs_once_never_early_and_is_recorded_with_its_statistics() {
    var team = aTeamWithADatabase("slots");
    var action = everySecond(team, "log_run", "{\"note\": \"hello\"}", -1);
    var dispatcher = dispatcher(4, Duration.ofMillis(500));

    waitFor(Duration.ofSeconds(20), () -> finishedRuns(team, action).size() >= 4);
    dispatcher.stop(Duration.ofSeconds(5));

    var runs = finishedRuns(team, action);
    var calls = targetCalls(team, action.jobId());
    assertThat(calls).hasSameSizeAs(runs);
    for (int i = 0; i < runs.size(); i++) {
      var run = runs.get(i);
      assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(run.node()).isEqualTo(dispatcher.node());
      assertThat(run.attempt()).isEqualTo(1);
      assertThat(run.config()).contains("hello");
      // Slots one second apart on the whole second the schedule started from.
      assertThat(run.scheduledFor().getNano()).isZero();
      if (i > 0) {
        assertThat(run.scheduledFor()).isAfter(runs.get(i - 1).scheduledFor());
      }
      // The procedure ran inside the recorded run, and never before its slot.
      assertThat(calls.get(i)).isAfterOrEqualTo(run.scheduledFor());
      assertThat(calls.get(i)).isAfterOrEqualTo(run.startedAt().orElseThrow().minusMillis(5));
      assertThat(calls.get(i)).isBeforeOrEqualTo(run.finishedAt().orElseThrow().plusMillis(5));
    }
    var stats = history.stats(team.owner(), team.id(), action.id());
    assertThat(stats.totalRuns()).isEqualTo(runs.size());
    assertThat(stats.totalSuccesses()).isEqualTo(runs.size());
    assertThat(stats.totalFailures()).isZero();
    assertThat(stats.lastRunStatus()).contains(RunStatus.SUCCEEDED);
    assertThat(stats.lastSuccessfulFinish()).isPresent();
    assertThat(stats.nextStart().orElseThrow()).isAfter(runs.get(runs.size() - 1).scheduledFor());
    assertThat(stats.running()).isFalse();
  }

  @Test
  void the_session_is_named_after_the_run_and_max_runtime_stops_the_call_as_a_timeout() {
    var team = aTeamWithADatabase("timeout");
    var start = clock.instant().truncatedTo(ChronoUnit.SECONDS).plusSeconds(2);
    var action = hourly(team, "Sleeper", "{\"sleep\": 30}", start, Duration.ofSeconds(1));
    dispatcher(4, Duration.ofMillis(500));

    waitFor(Duration.ofSeconds(20), () -> finishedRuns(team, action).size() == 1);
    var run = finishedRuns(team, action).get(0);
    assertThat(run.status()).isEqualTo(RunStatus.TIMED_OUT);
    assertThat(run.sqlState()).contains("57014");
    assertThat(run.message().orElseThrow()).startsWith("Stopped at max_runtime (1 s)");
    assertThat(run.duration().orElseThrow()).isLessThan(Duration.ofSeconds(10));
    // application_name, as the procedure saw it, names the run and the job.
    try (var c = target.admin(team.databaseName());
        var rs = c.createStatement().executeQuery("select app from public.run_log")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("hourglass run " + run.id() + " job " + action.jobId());
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    var stats = history.stats(team.owner(), team.id(), action.id());
    assertThat(stats.consecutiveFailures()).isEqualTo(1);
    assertThat(stats.lastRunStatus()).contains(RunStatus.TIMED_OUT);
  }

  @Test
  void failures_are_recorded_with_the_error_and_retried_until_max_retries_disables_the_action() {
    var team = aTeamWithADatabase("failing");
    var action = everySecond(team, "fail_run", "{}", 3);
    dispatcher(4, Duration.ofMillis(500));

    waitFor(
        Duration.ofSeconds(30),
        () -> !actions.get(team.owner(), team.id(), action.id()).scheduled());
    var runs = finishedRuns(team, action);
    assertThat(runs).hasSize(3);
    assertThat(runs).extracting(ActionRun::attempt).containsExactly(1, 2, 3);
    assertThat(runs)
        .allSatisfy(
            r -> {
              assertThat(r.status()).isEqualTo(RunStatus.FAILED);
              assertThat(r.sqlState()).contains("HG001");
              assertThat(r.message()).contains("partner feed is down");
              assertThat(r.detail()).contains("HTTP 503 from feed.example.com");
              assertThat(r.hint()).contains("Try again later.");
            });
    var disabled = actions.get(team.owner(), team.id(), action.id());
    assertThat(disabled.status()).isEqualTo(Action.Status.DISABLED);
    assertThat(disabled.disabledReason().orElseThrow()).contains("3 failures in a row");
    var stats = history.stats(team.owner(), team.id(), action.id());
    assertThat(stats.totalFailures()).isEqualTo(3);
    assertThat(stats.consecutiveFailures()).isEqualTo(3);
    // Disabled means no more runs.
    sleep(Duration.ofSeconds(2));
    assertThat(finishedRuns(team, action)).hasSize(3);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void a_slot_that_comes_due_while_the_run_is_going_is_skipped_and_runs_never_overlap() {
    var team = aTeamWithADatabase("overlap");
    var action = everySecond(team, "log_run", "{\"sleep\": 1.6}", -1);
    dispatcher(4, Duration.ofMillis(500));

    waitFor(Duration.ofSeconds(30), () -> finishedRuns(team, action).size() >= 3);
    var runs = finishedRuns(team, action);
    for (int i = 1; i < runs.size(); i++) {
      var previous = runs.get(i - 1);
      var next = runs.get(i);
      assertThat(next.startedAt().orElseThrow()).isAfter(previous.finishedAt().orElseThrow());
      // The slot one second after the previous one passed while it ran, so it was skipped.
      assertThat(Duration.between(previous.scheduledFor(), next.scheduledFor()))
          .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
      assertThat(next.scheduledFor().getNano()).isZero();
    }
  }

  @Test
  void notices_are_kept_up_to_the_bound_and_the_rest_counted() {
    var team = aTeamWithADatabase("notices");
    var start = clock.instant().truncatedTo(ChronoUnit.SECONDS).plusSeconds(2);
    var action = hourly(team, "Chatty", "{\"notices\": 150}", start, Duration.ZERO);
    dispatcher(4, Duration.ofMillis(500));

    waitFor(Duration.ofSeconds(20), () -> finishedRuns(team, action).size() == 1);
    var notices = finishedRuns(team, action).get(0).notices();
    assertThat(notices).hasSize(RunExecutor.MAX_NOTICES + 1);
    assertThat(notices.get(0).message()).isEqualTo("step 1");
    assertThat(notices.get(99).message()).isEqualTo("step 100");
    assertThat(notices.get(100).message()).isEqualTo("50 more notices were not kept.");
  }

  @Test
  void two_nodes_on_one_control_plane_never_run_a_slot_twice() {
    var team = aTeamWithADatabase("twonodes");
    var many = new ArrayList<Action>();
    for (int i = 0; i < 12; i++) {
      many.add(everySecond(team, "log_run", "{}", -1));
    }
    var a = dispatcher(5, Duration.ofMillis(300));
    var b = dispatcher(5, Duration.ofMillis(300));

    // Both nodes claim in turn; on a busy machine one may win every claim for a while, so the
    // wait also lasts until each has run some (a node that never claims fails it at 30 s).
    waitFor(
        Duration.ofSeconds(30),
        () ->
            many.stream().allMatch(x -> finishedRuns(team, x).size() >= 4)
                && many.stream()
                        .flatMap(x -> finishedRuns(team, x).stream())
                        .map(ActionRun::node)
                        .distinct()
                        .count()
                    == 2);
    a.stop(Duration.ofSeconds(5));
    b.stop(Duration.ofSeconds(5));

    var nodes = new java.util.HashSet<String>();
    for (var action : many) {
      var runs = finishedRuns(team, action);
      assertThat(runs).allSatisfy(r -> assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED));
      assertThat(runs).extracting(ActionRun::scheduledFor).doesNotHaveDuplicates();
      assertThat(targetCalls(team, action.jobId())).hasSameSizeAs(runs);
      runs.forEach(r -> nodes.add(r.node()));
    }
    assertThat(nodes).containsExactlyInAnyOrder(a.node(), b.node());
  }

  @Test
  void a_dead_nodes_going_run_is_marked_crashed_and_the_action_goes_on_on_another_node() {
    var team = aTeamWithADatabase("crash");
    var action = everySecond(team, "log_run", "{\"sleep_first\": 20}", -1);
    var doomed = dispatcher(4, Duration.ofMillis(500));
    waitFor(Duration.ofSeconds(10), () -> targetCalls(team, action.jobId()).size() == 1);
    doomed.halt();

    var survivor = dispatcher(4, Duration.ofMillis(500));
    waitFor(
        Duration.ofSeconds(30),
        () -> finishedRuns(team, action).stream().anyMatch(r -> r.status() == RunStatus.SUCCEEDED));
    var runs = finishedRuns(team, action);
    var crashed = runs.get(0);
    assertThat(crashed.status()).isEqualTo(RunStatus.CRASHED);
    assertThat(crashed.node()).isEqualTo(doomed.node());
    assertThat(crashed.message().orElseThrow()).contains("stopped answering");
    var next = runs.get(1);
    assertThat(next.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(next.node()).isEqualTo(survivor.node());
    // The crash rule: not before the crash wait (1 s here) after the crash was noticed.
    assertThat(next.scheduledFor())
        .isAfterOrEqualTo(crashed.finishedAt().orElseThrow().plusSeconds(1));
    var stats = history.stats(team.owner(), team.id(), action.id());
    assertThat(stats.totalCrashes()).isEqualTo(1);
  }

  @Test
  void a_dead_nodes_runs_that_cannot_have_started_are_handed_on_and_run_once() {
    var team = aTeamWithADatabase("handover");
    var start = clock.instant().truncatedTo(ChronoUnit.SECONDS).plusSeconds(4);
    var action = hourly(team, "Later", "{}", start, Duration.ZERO);
    // Claims the run about 4 s ahead, then dies before its slot.
    var doomed = dispatcher(4, Duration.ofSeconds(5));
    waitFor(Duration.ofSeconds(5), () -> doomed.claimOnce() >= 0 && claimed(team, action));
    doomed.halt();

    var survivor = dispatcher(4, Duration.ofMillis(500));
    waitFor(Duration.ofSeconds(30), () -> finishedRuns(team, action).size() == 1);
    var run = finishedRuns(team, action).get(0);
    assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(run.node()).isEqualTo(survivor.node());
    assertThat(run.scheduledFor()).isEqualTo(start);
    assertThat(targetCalls(team, action.jobId())).hasSize(1);
  }

  private boolean claimed(Team team, Action action) {
    return history.runs(team.owner(), team.id(), action.id(), 10).stream()
        .anyMatch(r -> r.status() == RunStatus.CLAIMED);
  }

  @Test
  void a_clean_stop_hands_back_runs_not_started_and_marks_the_node_stopped() throws Exception {
    var team = aTeamWithADatabase("cleanstop");
    var start = clock.instant().truncatedTo(ChronoUnit.SECONDS).plusSeconds(4);
    var action = hourly(team, "Not yet", "{}", start, Duration.ZERO);
    var node = dispatcher(4, Duration.ofSeconds(5));
    waitFor(Duration.ofSeconds(5), () -> claimed(team, action));
    node.stop(Duration.ofSeconds(2));

    assertThat(history.runs(team.owner(), team.id(), action.id(), 10)).isEmpty();
    assertThat(history.stats(team.owner(), team.id(), action.id()).running()).isFalse();
    assertThat(actions.get(team.owner(), team.id(), action.id()).nextStart()).contains(start);
    try (var c = db.ownerDataSource().getConnection();
        var ps = c.prepareStatement("select stopped_at from hourglass_node where id = ?")) {
      ps.setString(1, node.node());
      try (var rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getTimestamp(1)).isNotNull();
      }
    }
  }

  @Test
  void an_action_overdue_after_downtime_runs_once_then_keeps_its_schedule() throws Exception {
    var team = aTeamWithADatabase("overdue");
    var action = everySecond(team, "log_run", "{}", -1);
    actions.pause(team.owner(), team.id(), action.id());
    // As if the whole service had been down for an hour with the action due.
    var hourAgo = clock.instant().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
    try (var c = db.ownerDataSource().getConnection();
        var ps = c.prepareStatement("update action set next_start = ? where id = ?")) {
      ps.setTimestamp(1, Timestamp.from(hourAgo));
      ps.setObject(2, action.id().value());
      ps.executeUpdate();
    }
    dispatcher(4, Duration.ofMillis(500));

    waitFor(Duration.ofSeconds(20), () -> finishedRuns(team, action).size() >= 2);
    var runs = finishedRuns(team, action);
    assertThat(runs.get(0).scheduledFor()).isEqualTo(hourAgo);
    // The 3,600 missed slots were not made up: the next run is a current slot.
    assertThat(runs.get(1).scheduledFor()).isAfter(clock.instant().minusSeconds(20));
  }

  @Test
  void a_tenant_whose_runs_hang_holds_only_its_own_cap_and_another_tenant_runs_on_time() {
    var stuck = aTeamWithADatabase("stuck");
    var fine = aTeamWithADatabase("fine");
    for (int i = 0; i < 8; i++) {
      everySecond(stuck, "log_run", "{\"sleep\": 60}", -1);
    }
    var healthy = everySecond(fine, "log_run", "{}", -1);
    dispatcher(2, Duration.ofMillis(500));

    waitFor(Duration.ofSeconds(20), () -> finishedRuns(fine, healthy).size() >= 5);
    var runs = finishedRuns(fine, healthy);
    assertThat(runs).allSatisfy(r -> assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED));
    // The stuck tenant holds its cap of 2 runs; the others wait in its own queue.
    try (var c = target.admin(stuck.databaseName());
        var rs =
            c.createStatement()
                .executeQuery(
                    "select count(*) from pg_stat_activity where application_name like"
                        + " 'hourglass run %' and datname = current_database()")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(2);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    for (var r : runs) {
      assertThat(Duration.between(r.scheduledFor(), r.startedAt().orElseThrow()))
          .isLessThan(Duration.ofSeconds(1));
    }
  }

  @Test
  void a_claim_racing_a_pause_or_a_move_of_the_next_start_claims_only_what_is_due_after_it()
      throws Exception {
    var team = aTeamWithADatabase("race");
    var slot = clock.instant().truncatedTo(ChronoUnit.SECONDS).plusSeconds(3);
    var ledger =
        new RunLedger(
            db.dataSource(),
            clock,
            new dev.hourglass.schedule.NextStartCalculator(RandomGenerator.of("L64X128MixRandom")),
            Duration.ofSeconds(1));
    for (var change :
        List.of(
            "update action set next_start = null where id = ?",
            "update action set next_start = next_start + interval '1 hour' where id = ?")) {
      var action = hourly(team, "", "{}", slot, Duration.ZERO);
      try (var c = db.ownerDataSource().getConnection()) {
        c.setAutoCommit(false);
        try (var ps = c.prepareStatement(change)) {
          ps.setObject(1, action.id().value());
          ps.executeUpdate();
        }
        // The person's change is not committed yet while the node claims.
        var claim =
            java.util.concurrent.CompletableFuture.supplyAsync(
                () -> ledger.claim("node-x", clock.instant().plusSeconds(10), 100, 100));
        Thread.sleep(500);
        c.commit();
        var claimed = claim.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(claimed).noneMatch(r -> r.action().equals(action.id()));
      }
      // After the change: a paused action is not claimed, a moved one not before its new time.
      assertThat(ledger.claim("node-x", clock.instant().plusSeconds(10), 100, 100))
          .noneMatch(r -> r.action().equals(action.id()));
      assertThat(history.runs(team.owner(), team.id(), action.id(), 10)).isEmpty();
      actions.delete(team.owner(), team.id(), action.id());
    }
  }

  /** Polls {@code condition} until it holds, failing after {@code limit}. */
  static void waitFor(Duration limit, java.util.concurrent.Callable<Boolean> condition) {
    long until = System.nanoTime() + limit.toNanos();
    try {
      while (!condition.call()) {
        if (System.nanoTime() > until) {
          throw new AssertionError("Still not so after " + limit);
        }
        Thread.sleep(100);
      }
    } catch (Exception e) {
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e);
    }
  }
}
