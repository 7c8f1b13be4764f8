package dev.hourglass.ui.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.action.Action;
import dev.hourglass.action.ActionConfig;
import dev.hourglass.action.ActionDraft;
import dev.hourglass.action.ActionId;
import dev.hourglass.action.RoutineName;
import dev.hourglass.action.internal.JdbcActionAuthoring;
import dev.hourglass.action.internal.JdbcActionService;
import dev.hourglass.database.ConnectionSpec;
import dev.hourglass.database.DatabaseDraft;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.database.NetworkPolicy;
import dev.hourglass.database.SslMode;
import dev.hourglass.database.internal.Fleet;
import dev.hourglass.database.internal.JdbcDatabaseService;
import dev.hourglass.infra.AppEnvironment;
import dev.hourglass.infra.FreePorts;
import dev.hourglass.infra.PayaraMicroServer;
import dev.hourglass.infra.PostgresServer;
import dev.hourglass.infra.RandomSecrets;
import dev.hourglass.mail.MailGateway;
import dev.hourglass.mail.OutgoingMail;
import dev.hourglass.platform.ControlPlane;
import dev.hourglass.platform.Settings;
import dev.hourglass.schedule.ActionSchedule;
import dev.hourglass.schedule.Interval;
import dev.hourglass.security.Caller;
import dev.hourglass.security.SealingKeys;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.tenant.TenantName;
import dev.hourglass.tenant.internal.JdbcTenantService;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two app instances (Payara Micro with the built WAR) on one control plane, as in production (issue
 * 5): over a thousand runs, each slot run exactly once and by both nodes between them; then one
 * instance is killed like {@code kill -9} while its runs sleep in the target, and its runs are
 * marked crashed or handed on, and the actions go on on the other instance.
 *
 * <p>Exactly once is checked on the target's side: every call of a procedure logs the session's
 * application_name, which names the run ({@code hourglass run 42 job 1000}), and commits at once,
 * so a call is on record even when the node that made it dies. The tests poll for what they wait
 * for and assert no speed: benchmarks measure that.
 *
 * <p>Keycloak and an SMTP server are not started: the app contacts the OpenID provider only when
 * someone signs in, and the mail server only when it sends, so both point at closed ports.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiNodeIT {

  private static final Duration HEARTBEAT = Duration.ofSeconds(1);
  private static final Duration NODE_TIMEOUT = Duration.ofSeconds(4);
  private static final Duration CRASH_WAIT = Duration.ofSeconds(2);

  /**
   * Longer than the default, so runs claimed well before their slot can be found on the killed node
   * and seen handed on; see {@link #claimLaterRunsUntilTheVictimHoldsSome}.
   */
  private static final Duration LOOKAHEAD = Duration.ofSeconds(8);

  private static final Pattern RUN_SESSION = Pattern.compile("hourglass run (\\d+) job (\\d+)");

  /** Dispatcher node names are host-pid-random. */
  private static final Pattern NODE_NAME = Pattern.compile(".*-(\\d+)-[0-9a-f]{8}");

  private static final String PROCEDURES =
      """
      create table public.call_log (
          job_id integer not null,
          at     timestamptz not null default clock_timestamp(),
          app    text not null);
      create table public.slept (job_id integer primary key);
      create table public.wake_up (at timestamptz not null default clock_timestamp());
      create procedure public.log_call(job_id integer, config jsonb) language plpgsql as $$
      begin
        insert into public.call_log (job_id, app)
             values (job_id, current_setting('application_name'));
        -- On record at once, whatever becomes of the session afterwards.
        commit;
      end $$;
      create procedure public.sleep_first(job_id integer, config jsonb) language plpgsql as $$
      declare
        first_call integer;
      begin
        insert into public.call_log (job_id, app)
             values (job_id, current_setting('application_name'));
        insert into public.slept (job_id) values (job_id) on conflict do nothing;
        get diagnostics first_call = row_count;
        commit;
        -- The first call of each action sleeps up to 60 s, or until the test wakes the sleepers.
        if first_call = 1 then
          for i in 1 .. 600 loop
            exit when exists (select 1 from public.wake_up);
            perform pg_sleep(0.1);
          end loop;
        end if;
      end $$;
      """;

  private static final Clock CLOCK = Clock.systemUTC();
  private static final Path WORK_DIR = Paths.get("target", "it-multinode").toAbsolutePath();

  private static PostgresServer controlPlaneServer;
  private static String controlPlaneDatabase;
  private static PostgresServer.LoginRole appRole;
  private static PostgresServer targetServer;
  private static ControlPlane controlPlane;
  private static Fleet fleet;
  private static JdbcActionService actions;
  private static Caller owner;
  private static Team steady;
  private static Team sleepy;
  private static final List<Node> nodes = new ArrayList<>();

  /** A team with one database of its own on the target server. */
  private record Team(TenantId id, DatabaseId database, String databaseName) {}

  /** One app instance and its dispatcher's name. */
  private record Node(String label, PayaraMicroServer server, String name) {}

  /** One row of action_run. */
  private record Run(
      long id,
      UUID action,
      int jobId,
      Instant scheduledFor,
      String status,
      String node,
      Instant claimedAt,
      Instant finishedAt,
      String message) {}

  /** One row of the target's call_log: a call of a procedure, by the run that made it. */
  private record Call(int jobId, Instant at, long runId) {}

  // --- the stack
  // ----------------------------------------------------------------------------------

  @BeforeAll
  static void startTwoNodesOnOneControlPlane() throws Exception {
    Files.createDirectories(WORK_DIR);
    controlPlaneServer = PostgresServer.fromEnvironmentOrEmbedded();
    controlPlaneDatabase = controlPlaneServer.createDatabase("hg_multinode");
    appRole = controlPlaneServer.createLoginRole("hg_app");
    // Targets must not live on the control plane's server (the network policy refuses it).
    targetServer = PostgresServer.embedded(null, 0);
    var runner = targetServer.createLoginRole("hg_runner");
    var sealingKey = "mn1:" + RandomSecrets.aesKeyBase64();

    var database =
        new Settings.Database(
            controlPlaneServer.jdbcUrl(controlPlaneDatabase),
            controlPlaneServer.user(),
            controlPlaneServer.password(),
            appRole.name(),
            appRole.password(),
            4);
    controlPlane = ControlPlane.open(database);
    controlPlane.migrate();
    // Sealed with the nodes' key, so they can open what is registered here.
    var box = SealingKeys.fromSettings(new Settings.Secrets(sealingKey, "mn1"));
    var cp = URI.create(database.url().substring("jdbc:".length()));
    fleet =
        new Fleet(
            NetworkPolicy.of(
                List.of(),
                List.of(),
                List.of(InetSocketAddress.createUnresolved(cp.getHost(), cp.getPort()))),
            new Settings.Targets(
                List.of(),
                List.of(),
                3,
                10,
                Duration.ofSeconds(60),
                Duration.ofSeconds(60),
                Duration.ofSeconds(5)),
            controlPlane.dataSource(),
            box);
    var authoring = new JdbcActionAuthoring(controlPlane.dataSource(), fleet.connections());
    actions =
        new JdbcActionService(controlPlane.dataSource(), CLOCK, fleet.connections(), authoring);
    var databases = new JdbcDatabaseService(controlPlane.dataSource(), CLOCK, box, fleet);
    var tenants =
        new JdbcTenantService(
            controlPlane.dataSource(), CLOCK, new NoMail(), URI.create("http://127.0.0.1"));
    owner =
        new Caller(
            UUID.randomUUID().toString(), "olga", "Olga", "olga-" + UUID.randomUUID() + "@x.test");
    steady = aTeam(tenants, databases, authoring, runner, "Steady");
    sleepy = aTeam(tenants, databases, authoring, runner, "Sleepy");

    var environment =
        AppEnvironment.of(
            database.url(),
            database.user(),
            database.password(),
            appRole.name(),
            appRole.password(),
            "http://127.0.0.1:1",
            "http://127.0.0.1:" + FreePorts.pick(),
            RandomSecrets.urlSafe(18),
            FreePorts.pick(),
            sealingKey);
    environment.put("HOURGLASS_DEMO_DATA", "false");
    environment.put("HOURGLASS_DISPATCH_HEARTBEAT_SECONDS", Long.toString(HEARTBEAT.toSeconds()));
    environment.put(
        "HOURGLASS_DISPATCH_NODE_TIMEOUT_SECONDS", Long.toString(NODE_TIMEOUT.toSeconds()));
    environment.put("HOURGLASS_DISPATCH_CRASH_WAIT_SECONDS", Long.toString(CRASH_WAIT.toSeconds()));
    environment.put("HOURGLASS_DISPATCH_LOOKAHEAD_MILLIS", Long.toString(LOOKAHEAD.toMillis()));

    var a = CompletableFuture.supplyAsync(() -> startNode("node-a", environment));
    var b = CompletableFuture.supplyAsync(() -> startNode("node-b", environment));
    try {
      a.join();
      b.join();
    } finally {
      for (var started : List.of(a, b)) {
        var server = started.handle((s, e) -> s).join();
        if (server != null) {
          nodes.add(new Node(server.label, server.server, null));
        }
      }
    }
    // The dispatcher registers as the app starts; its name carries the process id.
    var registered = nodeNamesByPid();
    for (int i = 0; i < nodes.size(); i++) {
      var n = nodes.get(i);
      var name = registered.get(n.server().pid());
      assertThat(name)
          .as("dispatcher node of %s (pid %d)", n.label(), n.server().pid())
          .isNotNull();
      nodes.set(i, new Node(n.label(), n.server(), name));
    }
    System.out.printf("MultiNodeIT: nodes %s%n", nodes.stream().map(Node::name).toList());
  }

  private record Started(String label, PayaraMicroServer server) {}

  private static Started startNode(String label, Map<String, String> shared) {
    var port = FreePorts.pick();
    var env = new LinkedHashMap<>(shared);
    env.put("HOURGLASS_BASE_URL", "http://127.0.0.1:" + port);
    return new Started(
        label,
        PayaraMicroServer.start(
            new PayaraMicroServer.Options(
                path("hourglass.payara.jar"),
                path("hourglass.war"),
                port,
                env,
                WORK_DIR.resolve(label),
                WORK_DIR.resolve(label + ".log"),
                Duration.ofSeconds(240),
                List.of("-Xmx512m"))));
  }

  private static Team aTeam(
      JdbcTenantService tenants,
      JdbcDatabaseService databases,
      JdbcActionAuthoring authoring,
      PostgresServer.LoginRole runner,
      String name) {
    var tenant =
        tenants
            .createTenant(
                owner, new TenantName(name + " " + UUID.randomUUID().toString().substring(0, 6)))
            .tenant()
            .id();
    var dbName = targetServer.createDatabase("mn_" + name.toLowerCase());
    var database =
        databases
            .register(
                owner,
                tenant,
                DatabaseDraft.of(
                    name,
                    "",
                    new ConnectionSpec(
                        "127.0.0.1",
                        targetServer.port(),
                        dbName,
                        runner.name(),
                        runner.password(),
                        SslMode.DISABLE,
                        null)))
            .id();
    authoring.createRoutine(owner, tenant, database, PROCEDURES);
    return new Team(tenant, database, dbName);
  }

  @AfterAll
  static void stopEverything() {
    var problems = new ArrayList<Throwable>();
    for (var n : nodes) {
      quietly(problems, () -> n.server().close());
    }
    if (fleet != null) {
      quietly(problems, fleet::close);
    }
    if (controlPlane != null) {
      quietly(problems, controlPlane::close);
    }
    if (controlPlaneServer != null) {
      if (controlPlaneDatabase != null) {
        quietly(problems, () -> controlPlaneServer.dropDatabase(controlPlaneDatabase));
      }
      if (appRole != null) {
        quietly(problems, () -> controlPlaneServer.dropRole(appRole.name()));
      }
      quietly(problems, controlPlaneServer::close);
    }
    if (targetServer != null) {
      quietly(problems, targetServer::close);
    }
    if (!problems.isEmpty()) {
      var e = new IllegalStateException("Clean-up failed");
      problems.forEach(e::addSuppressed);
      throw e;
    }
  }

  private static void quietly(List<Throwable> problems, Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      problems.add(e);
    }
  }

  // --- the tests
  // ----------------------------------------------------------------------------------

  @Test
  @Order(1)
  void two_nodes_make_over_a_thousand_runs_between_them_each_slot_exactly_once() {
    var start = CLOCK.instant().truncatedTo(ChronoUnit.SECONDS).plusSeconds(3);
    var many = new ArrayList<Action>();
    for (int i = 0; i < 60; i++) {
      many.add(everySecond(steady, "log_call", start));
    }
    var ids = idsOf(many);

    waitFor(
        "1,000 runs recorded",
        Duration.ofSeconds(120),
        () -> count(runsOf(ids), r -> !r.status().equals("CLAIMED")) >= 1000);
    pauseAndSettle(steady, many);

    var runs = runsOf(ids);
    var calls = callsIn(steady);
    System.out.printf(
        "MultiNodeIT: %d runs of %d actions, by node: %s%n",
        runs.size(), many.size(), countBy(runs, Run::node));
    assertThat(runs).hasSizeGreaterThanOrEqualTo(1000);
    assertThat(runs)
        .as("runs that did not succeed")
        .filteredOn(r -> !r.status().equals("SUCCEEDED"))
        .isEmpty();
    assertEachSlotRanAtMostOnce(runs);
    assertSlotsIncreasePerAction(runs);
    // None lost, none duplicated: per action as many calls as recorded runs ...
    var callsPerJob = countBy(calls, Call::jobId);
    for (var action : many) {
      assertThat(callsPerJob.getOrDefault(action.jobId(), 0L))
          .as("calls of job %d", action.jobId())
          .isEqualTo(count(runs, r -> r.action().equals(action.id().value())));
    }
    // ... and each call made by the run it is recorded as, never before its slot.
    assertExactlyOnce(runs, calls, Set.of());
    var byId = runs.stream().collect(Collectors.toMap(Run::id, r -> r));
    for (var call : calls) {
      var run = byId.get(call.runId());
      if (run != null) {
        assertThat(call.at()).as("call of run %d", run.id()).isAfterOrEqualTo(run.scheduledFor());
      }
    }
    assertThat(runs.stream().map(Run::node).collect(Collectors.toSet()))
        .as("nodes that ran runs")
        .containsExactlyInAnyOrderElementsOf(nodes.stream().map(Node::name).toList());
  }

  @Test
  @Order(2)
  void a_killed_nodes_runs_are_crashed_or_handed_on_and_its_actions_go_on_on_the_other_node()
      throws Exception {
    assertThat(nodes).hasSize(2).allSatisfy(n -> assertThat(n.server().isAlive()).isTrue());
    var start = CLOCK.instant().truncatedTo(ChronoUnit.SECONDS).plusSeconds(2);
    // Quick runs all along, so the kill hits some going or claimed ones too.
    var quick = new ArrayList<Action>();
    for (int i = 0; i < 20; i++) {
      quick.add(everySecond(steady, "log_call", start));
    }
    var sleepers = new ArrayList<Action>();
    for (int i = 0; i < 6; i++) {
      sleepers.add(everySecond(sleepy, "sleep_first", start));
    }

    waitFor("two runs sleeping", Duration.ofSeconds(60), () -> sleepingRuns().size() >= 2);
    var sleeping = sleepingRuns();
    var victim =
        nodes.stream()
            .max(Comparator.comparingLong(n -> count(sleeping, r -> r.node().equals(n.name()))))
            .orElseThrow();
    var survivor = nodes.stream().filter(n -> n != victim).findFirst().orElseThrow();
    var later = claimLaterRunsUntilTheVictimHoldsSome(victim);
    var victimsLaterRuns =
        runsOf(idsOf(later)).stream()
            .filter(r -> r.node().equals(victim.name()) && r.status().equals("CLAIMED"))
            .toList();
    var victimsSleepers =
        sleepingRuns().stream().filter(r -> r.node().equals(victim.name())).toList();
    assertThat(victimsSleepers).as("runs sleeping on %s", victim.label()).isNotEmpty();
    assertThat(victimsLaterRuns)
        .as("runs %s claimed ahead of their slot", victim.label())
        .isNotEmpty();

    var killedAt = CLOCK.instant();
    kill(victim.server());
    System.out.printf(
        "MultiNodeIT: killed %s (%s) with %d runs sleeping and %d claimed ahead%n",
        victim.label(), victim.name(), victimsSleepers.size(), victimsLaterRuns.size());

    var sleeperIds = victimsSleepers.stream().map(Run::id).toList();
    waitFor(
        "the killed node's sleeping runs marked crashed",
        Duration.ofSeconds(60),
        () -> runsByIds(sleeperIds).stream().allMatch(r -> r.status().equals("CRASHED")));
    System.out.printf(
        "MultiNodeIT: its sleeping runs were marked crashed %d ms after the kill"
            + " (node time-out %d ms)%n",
        Duration.between(killedAt, CLOCK.instant()).toMillis(), NODE_TIMEOUT.toMillis());
    waitFor(
        "no run left claimed by the killed node",
        Duration.ofSeconds(60),
        () -> claimedBy(victim.name()) == 0);
    wakeTheSleepers();

    var crashedSleepers = runsByIds(sleeperIds);
    assertThat(crashedSleepers)
        .allSatisfy(
            r -> {
              assertThat(r.status()).isEqualTo("CRASHED");
              assertThat(r.node()).isEqualTo(victim.name());
              assertThat(r.message()).contains("stopped answering");
            });
    waitFor(
        "the crashed actions run again on the surviving node",
        Duration.ofSeconds(60),
        () ->
            crashedSleepers.stream()
                .allMatch(
                    crashed ->
                        runsOf(List.of(crashed.action())).stream()
                            .anyMatch(
                                r ->
                                    r.status().equals("SUCCEEDED")
                                        && r.node().equals(survivor.name())
                                        && r.scheduledFor().isAfter(crashed.scheduledFor()))));
    waitFor(
        "the runs claimed ahead run once",
        Duration.ofSeconds(60),
        () ->
            runsOf(idsOf(later)).stream().noneMatch(r -> r.status().equals("CLAIMED"))
                && runsOf(idsOf(later)).size() >= later.size());
    waitFor(
        "the quick actions go on on the surviving node",
        Duration.ofSeconds(60),
        () -> {
          var after = runsOf(idsOf(quick));
          return quick.stream()
              .allMatch(
                  q ->
                      count(
                              after,
                              r ->
                                  r.action().equals(q.id().value())
                                      && r.status().equals("SUCCEEDED")
                                      && r.claimedAt().isAfter(killedAt))
                          >= 2);
        });
    assertThat(survivor.server().isAlive()).isTrue();
    pauseAndSettle(steady, quick);
    pauseAndSettle(steady, later);
    pauseAndSettle(sleepy, sleepers);

    var all = new ArrayList<Action>(quick);
    all.addAll(sleepers);
    all.addAll(later);
    var runs = runsOf(idsOf(all));
    var calls = new ArrayList<>(callsIn(steady));
    calls.addAll(callsIn(sleepy));
    System.out.printf(
        "MultiNodeIT: after the kill, %d runs by status and node: %s%n",
        runs.size(), countBy(runs, r -> r.status() + " " + r.node()));

    assertThat(claimedBy(victim.name())).isZero();
    assertThat(runs)
        .as("runs of the surviving node")
        .filteredOn(r -> r.node().equals(survivor.name()))
        .allSatisfy(r -> assertThat(r.status()).isEqualTo("SUCCEEDED"));
    assertThat(runs)
        .as("runs of the killed node")
        .filteredOn(r -> r.node().equals(victim.name()))
        .allSatisfy(
            r -> {
              assertThat(r.status()).isIn("SUCCEEDED", "CRASHED");
              assertThat(r.claimedAt()).isBeforeOrEqualTo(killedAt);
              if (r.status().equals("CRASHED")) {
                assertThat(r.message()).contains("stopped answering");
              }
            });
    assertEachSlotRanAtMostOnce(runs);
    assertSlotsIncreasePerAction(runs);
    var crashed = runs.stream().filter(r -> r.status().equals("CRASHED")).map(Run::id).toList();
    assertExactlyOnce(runs, calls, Set.copyOf(crashed));
    // TimescaleDB's crash rule: an action whose run crashed waits at least the crash wait.
    for (var c : crashedSleepers) {
      var next =
          runsOf(List.of(c.action())).stream()
              .filter(r -> r.scheduledFor().isAfter(c.scheduledFor()))
              .findFirst()
              .orElseThrow();
      assertThat(next.scheduledFor()).isAfterOrEqualTo(c.finishedAt().plus(CRASH_WAIT));
    }
    // Claimed ahead by the killed node, slot after its last heartbeat plus half the time-out:
    // it cannot have started, so it was handed on and ran once, on its slot, on the survivor.
    var lastBeat = lastHeartbeat(victim.name());
    var handedOn =
        victimsLaterRuns.stream()
            .filter(r -> r.scheduledFor().isAfter(lastBeat.plus(NODE_TIMEOUT.dividedBy(2))))
            .toList();
    assertThat(handedOn).as("runs that cannot have started on the killed node").isNotEmpty();
    for (var given : handedOn) {
      assertThat(runsOf(List.of(given.action())))
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.status()).isEqualTo("SUCCEEDED");
                assertThat(r.node()).isEqualTo(survivor.name());
                assertThat(r.scheduledFor()).isEqualTo(given.scheduledFor());
              });
    }
  }

  // --- actions and runs
  // ---------------------------------------------------------------------------

  private static Action everySecond(Team team, String procedure, Instant start) {
    return actions.add(
        owner,
        team.id(),
        new ActionDraft(
            team.database(),
            "",
            new RoutineName("public", procedure),
            new ActionConfig("{}"),
            Optional.empty(),
            ActionSchedule.every(Interval.parse("1 second"))
                .initialStart(start)
                .retryPeriod(Interval.parse("1 second"))
                .build(CLOCK.instant()),
            true,
            Duration.ZERO,
            Optional.empty()));
  }

  /**
   * Adds hourly actions whose one slot lies a few seconds ahead, within the look-ahead, one at a
   * time, each claimed at once by whichever node looks first, until the victim holds some; then the
   * victim is killed well before their slot.
   */
  private static List<Action> claimLaterRunsUntilTheVictimHoldsSome(Node victim) {
    var began = CLOCK.instant();
    var slot = began.truncatedTo(ChronoUnit.SECONDS).plusSeconds(LOOKAHEAD.toSeconds());
    var later = new ArrayList<Action>();
    int victimHolds = 0;
    while (later.size() < 12
        && (victimHolds < 2 || later.size() < 4)
        && Duration.between(began, CLOCK.instant()).compareTo(Duration.ofMillis(2500)) < 0) {
      var action =
          actions.add(
              owner,
              steady.id(),
              new ActionDraft(
                  steady.database(),
                  "",
                  new RoutineName("public", "log_call"),
                  new ActionConfig("{}"),
                  Optional.empty(),
                  ActionSchedule.every(Interval.parse("1 hour")).initialStart(slot).build(slot),
                  true,
                  Duration.ZERO,
                  Optional.empty()));
      later.add(action);
      waitFor(
          "a claim of the run at " + slot,
          Duration.ofSeconds(5),
          () -> !runsOf(List.of(action.id().value())).isEmpty());
      if (runsOf(List.of(action.id().value())).get(0).node().equals(victim.name())) {
        victimHolds++;
      }
    }
    return later;
  }

  private static void pauseAndSettle(Team team, Collection<Action> some) {
    for (var action : some) {
      actions.pause(owner, team.id(), action.id());
    }
    var ids = idsOf(some);
    waitFor(
        "no run of the paused actions going",
        Duration.ofSeconds(60),
        () -> runsOf(ids).stream().noneMatch(r -> r.status().equals("CLAIMED")));
  }

  private static List<UUID> idsOf(Collection<Action> some) {
    return some.stream().map(Action::id).map(ActionId::value).toList();
  }

  private static List<Run> runsOf(List<UUID> actionIds) {
    return runs("action_id = any(?)", actionIds.toArray(UUID[]::new), "uuid");
  }

  private static List<Run> runsByIds(List<Long> ids) {
    return runs("id = any(?)", ids.toArray(Long[]::new), "bigint");
  }

  private static List<Run> runs(String where, Object[] values, String type) {
    var sql =
        "select id, action_id, job_id, scheduled_for, status, node, claimed_at, finished_at,"
            + " message from action_run where "
            + where
            + " order by id";
    try (var c = controlPlane.ownerDataSource().getConnection();
        var ps = c.prepareStatement(sql)) {
      ps.setArray(1, c.createArrayOf(type, values));
      var result = new ArrayList<Run>();
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          result.add(
              new Run(
                  rs.getLong(1),
                  rs.getObject(2, UUID.class),
                  rs.getInt(3),
                  rs.getTimestamp(4).toInstant(),
                  rs.getString(5),
                  rs.getString(6),
                  rs.getTimestamp(7).toInstant(),
                  Optional.ofNullable(rs.getTimestamp(8)).map(Timestamp::toInstant).orElse(null),
                  rs.getString(9)));
        }
      }
      return result;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long claimedBy(String node) {
    return controlPlaneLong(
        "select count(*) from action_run where status = 'CLAIMED' and node = ?", node);
  }

  private static Instant lastHeartbeat(String node) {
    try (var c = controlPlane.ownerDataSource().getConnection();
        var ps = c.prepareStatement("select heartbeat_at from hourglass_node where id = ?")) {
      ps.setString(1, node);
      try (var rs = ps.executeQuery()) {
        assertThat(rs.next()).as("node %s registered", node).isTrue();
        return rs.getTimestamp(1).toInstant();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long controlPlaneLong(String sql, String parameter) {
    try (var c = controlPlane.ownerDataSource().getConnection();
        var ps = c.prepareStatement(sql)) {
      ps.setString(1, parameter);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The registered dispatcher nodes still running, by the process id in their name. */
  private static Map<Long, String> nodeNamesByPid() {
    var result = new HashMap<Long, String>();
    try (var c = controlPlane.ownerDataSource().getConnection();
        var rs =
            c.createStatement()
                .executeQuery("select id from hourglass_node where stopped_at is null")) {
      while (rs.next()) {
        var m = NODE_NAME.matcher(rs.getString(1));
        if (m.matches()) {
          result.put(Long.parseLong(m.group(1)), rs.getString(1));
        }
      }
      return result;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  // --- the target's side
  // --------------------------------------------------------------------------

  private static List<Call> callsIn(Team team) {
    try (var c = targetServer.connect(team.databaseName());
        var rs = c.createStatement().executeQuery("select job_id, at, app from public.call_log")) {
      var result = new ArrayList<Call>();
      while (rs.next()) {
        var m = RUN_SESSION.matcher(rs.getString(3));
        assertThat(m.matches()).as("application_name %s", rs.getString(3)).isTrue();
        assertThat(Integer.parseInt(m.group(2))).isEqualTo(rs.getInt(1));
        result.add(
            new Call(rs.getInt(1), rs.getTimestamp(2).toInstant(), Long.parseLong(m.group(1))));
      }
      return result;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The runs whose call is going in the sleepy team's database, with their rows. */
  private static List<Run> sleepingRuns() {
    var ids = new ArrayList<Long>();
    try (Connection c = targetServer.connect(sleepy.databaseName());
        var ps =
            c.prepareStatement(
                "select application_name from pg_stat_activity"
                    + " where datname = ? and state = 'active'"
                    + " and application_name like 'hourglass run % job %'")) {
      ps.setString(1, sleepy.databaseName());
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          var m = RUN_SESSION.matcher(rs.getString(1));
          if (m.matches()) {
            ids.add(Long.parseLong(m.group(1)));
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return runsByIds(ids).stream().filter(r -> r.status().equals("CLAIMED")).toList();
  }

  private static void wakeTheSleepers() throws SQLException {
    try (var c = targetServer.connect(sleepy.databaseName())) {
      c.createStatement().execute("insert into public.wake_up default values");
    }
  }

  // --- what exactly once means
  // --------------------------------------------------------------------

  private static void assertEachSlotRanAtMostOnce(List<Run> runs) {
    var slots = new HashMap<String, Long>();
    runs.forEach(r -> slots.merge(r.action() + "@" + r.scheduledFor(), 1L, Long::sum));
    assertThat(slots)
        .as("slots recorded more than once")
        .allSatisfy((k, n) -> assertThat(n).isOne());
  }

  private static void assertSlotsIncreasePerAction(List<Run> runs) {
    var last = new HashMap<UUID, Run>();
    for (var r : runs) { // ordered by id, i.e. by claim
      var previous = last.put(r.action(), r);
      if (previous != null) {
        assertThat(r.scheduledFor())
            .as("slot of run %d after run %d of the same action", r.id(), previous.id())
            .isAfter(previous.scheduledFor());
      }
    }
  }

  /**
   * Every call was made by a recorded run of its job, no run called twice, every successful run
   * called once; a crashed run may or may not have called (it is never run again for its slot).
   */
  private static void assertExactlyOnce(List<Run> runs, List<Call> calls, Set<Long> crashed) {
    var byId = runs.stream().collect(Collectors.toMap(Run::id, r -> r));
    var jobs = runs.stream().map(Run::jobId).collect(Collectors.toSet());
    var callsPerRun = new HashMap<Long, Integer>();
    for (var call : calls) {
      if (!jobs.contains(call.jobId())) {
        continue; // another test's action
      }
      var run = byId.get(call.runId());
      assertThat(run)
          .as("the recorded run that made the call of job %d at %s", call.jobId(), call.at())
          .isNotNull();
      assertThat(run.jobId()).isEqualTo(call.jobId());
      callsPerRun.merge(call.runId(), 1, Integer::sum);
    }
    assertThat(callsPerRun)
        .as("runs that called more than once")
        .allSatisfy((id, n) -> assertThat(n).isOne());
    var uncalled = new HashSet<Long>(byId.keySet());
    uncalled.removeAll(callsPerRun.keySet());
    uncalled.removeAll(crashed);
    assertThat(uncalled).as("successful runs without a call").isEmpty();
  }

  // --- helpers
  // ------------------------------------------------------------------------------------

  /** Kills the instance like kill -9: no shutdown hook, nothing handed back, no stop mark. */
  private static void kill(PayaraMicroServer server) throws Exception {
    var process = ProcessHandle.of(server.pid()).orElseThrow();
    var tree = new ArrayList<ProcessHandle>(process.descendants().toList());
    tree.add(process);
    tree.forEach(ProcessHandle::destroyForcibly);
    for (var p : tree) {
      p.onExit().get(30, TimeUnit.SECONDS);
    }
  }

  private static <T> long count(Collection<T> items, Predicate<T> which) {
    return items.stream().filter(which).count();
  }

  private static <T, K> Map<K, Long> countBy(Collection<T> items, Function<T, K> key) {
    return items.stream().collect(Collectors.groupingBy(key, Collectors.counting()));
  }

  private static void waitFor(String what, Duration limit, Callable<Boolean> condition) {
    long until = System.nanoTime() + limit.toNanos();
    try {
      while (!condition.call()) {
        if (System.nanoTime() > until) {
          throw new AssertionError(
              "Waited " + limit.toSeconds() + " s for " + what + "; logs in " + WORK_DIR);
        }
        Thread.sleep(100);
      }
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path path(String property) {
    var value = System.getProperty(property);
    if (value == null) {
      throw new IllegalStateException(
          "System property " + property + " is not set: run the browser tests with `mvn verify`");
    }
    var p = Paths.get(value);
    if (!Files.exists(p)) {
      throw new IllegalStateException(property + " points at " + p + ", which does not exist");
    }
    return p;
  }

  /** No mail goes out in this test: nobody is invited. */
  private static final class NoMail implements MailGateway {
    @Override
    public void send(OutgoingMail mail) {
      throw new UnsupportedOperationException("This test sends no mail");
    }

    @Override
    public void checkConnection() {
      throw new UnsupportedOperationException("This test sends no mail");
    }
  }
}
