package dev.hourglass.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.hourglass.database.NetworkPolicy;
import dev.hourglass.database.internal.Fleet;
import dev.hourglass.dispatch.internal.Dispatcher;
import dev.hourglass.infra.PgCronServer;
import dev.hourglass.infra.PostgresServer;
import dev.hourglass.platform.ControlPlane;
import dev.hourglass.platform.Settings;
import dev.hourglass.security.SecretBox;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * Dispatch measured against pg_cron on the same machine, the same target server and the same
 * procedure (issue 5). The target server is a private PostgreSQL 15 cluster with pg_cron 1.4
 * (PgCronServer); the control plane an embedded PostgreSQL; the dispatcher runs in this JVM.
 *
 * <p>Start lag is measured inside the procedure: {@code clock_timestamp()} written by it, minus the
 * slot it was due for, so the same number is taken for both schedulers. Workloads:
 *
 * <ol>
 *   <li>1,000 actions every minute over 100 databases and 20 tenants;
 *   <li>10,000 actions every minute over 500 databases and 100 tenants, all due at second 0 (the
 *       only shape pg_cron can express) and spread over the minute;
 *   <li>throughput: 1,200 actions every 2 seconds (600 runs/s) for 5 minutes, end to end;
 *   <li>isolation: workload 1 plus one tenant with 1,000 actions that hang longer than their
 *       interval; the change in the other tenants' p99.
 * </ol>
 *
 * <p>Arguments: {@code --minutes N} per minute-workload phase (default 3), {@code --throughput-
 * minutes N} (default 5), {@code --only 1,2,3,4}. Results go to stdout and
 * bench/results/dispatch.txt. Run with {@code ./hourglass bench dispatch}.
 */
public final class DispatchBench {

  static final String RUNNER = "bench_runner";
  static final String RUNNER_PASSWORD = "bench-runner-pw";
  static final String SUBJECT = "bench:owner";

  private final PostgresServer control;
  private final PgCronServer targets;
  private final ControlPlane plane;
  private final SecretBox box = new SecretBox(Map.of("b1", new byte[32]), "b1");
  private final Fleet fleet;
  private final Settings.Dispatch dispatch;
  private final StringBuilder report = new StringBuilder();
  private final List<String> databases = new ArrayList<>();
  private final Map<String, UUID> databaseIds = new HashMap<>();

  /** An action as the bench created it: its job id and the target database it runs on. */
  record BenchAction(UUID id, int jobId, String database, long offsetMillis) {}

  /** What one scheduler did in one phase. */
  record Result(
      String who,
      int expected,
      int runs,
      int lost,
      int duplicates,
      double[] lagsMs,
      double seconds,
      String resources) {
    double p(double q) {
      if (lagsMs.length == 0) {
        return Double.NaN;
      }
      int i = (int) Math.ceil(q * lagsMs.length) - 1;
      return lagsMs[Math.max(0, Math.min(lagsMs.length - 1, i))];
    }

    String line() {
      return String.format(
          Locale.ROOT,
          "  %-34s runs %7d of %7d  lost %5d  dup %3d  lag p50 %8.1f ms  p99 %9.1f ms  max %9.1f"
              + " ms  %7.1f runs/s%s",
          who,
          runs,
          expected,
          lost,
          duplicates,
          p(0.5),
          p(0.99),
          lagsMs.length == 0 ? Double.NaN : lagsMs[lagsMs.length - 1],
          runs / seconds,
          resources.isEmpty() ? "" : "\n  " + " ".repeat(34) + " " + resources);
    }
  }

  DispatchBench(PostgresServer control, PgCronServer targets) {
    this.control = control;
    this.targets = targets;
    var name = control.createDatabase("hg_bench");
    var app = control.createLoginRole("hg_bench_app");
    plane =
        ControlPlane.open(
            new Settings.Database(
                control.jdbcUrl(name),
                control.user(),
                control.password(),
                app.name(),
                app.password(),
                24));
    plane.migrate();
    var targetSettings =
        new Settings.Targets(
            List.of(),
            List.of(),
            // As many connections per database as runs on it at once: a tenant's 5 databases
            // then fit its 10 connections exactly, and no pool holds a spare another one needs.
            intProperty("bench.pool-size", 2),
            10,
            Duration.ofMinutes(10),
            Duration.ofMinutes(60),
            Duration.ofSeconds(10));
    fleet =
        new Fleet(
            NetworkPolicy.of(List.of(), List.of(), List.of()),
            targetSettings,
            plane.dataSource(),
            box);
    dispatch =
        new Settings.Dispatch(
            true,
            intProperty("bench.workers", 64),
            intProperty("bench.tenant-runs", 8),
            intProperty("bench.database-runs", 2),
            200,
            Duration.ofSeconds(2),
            Duration.ofMillis(100),
            Duration.ofSeconds(2),
            Duration.ofSeconds(15),
            Duration.ofMinutes(5));
  }

  static int intProperty(String key, int fallback) {
    return Integer.parseInt(System.getProperty(key, Integer.toString(fallback)));
  }

  public static void main(String[] args) throws Exception {
    for (var quiet : List.of("com.zaxxer.hikari", "org.flywaydb", "io.zonky")) {
      java.util.logging.Logger.getLogger(quiet).setLevel(java.util.logging.Level.WARNING);
    }
    int minutes = 3;
    int throughputMinutes = 5;
    Set<String> only = new LinkedHashSet<>(List.of("0", "1", "2", "3", "4"));
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--minutes" -> minutes = Integer.parseInt(args[++i]);
        case "--throughput-minutes" -> throughputMinutes = Integer.parseInt(args[++i]);
        case "--only" -> only = new LinkedHashSet<>(Arrays.asList(args[++i].split(",")));
        default -> throw new IllegalArgumentException("Unknown argument " + args[i]);
      }
    }
    try (var control = PostgresServer.embedded(null, 0);
        var targets =
            PgCronServer.start(
                PgCronServer.Options.defaults().withMaxConnections(2500).withMaxRunningJobs(32))) {
      var bench = new DispatchBench(control, targets);
      try {
        bench.run(only, minutes, throughputMinutes);
      } finally {
        bench.close();
      }
      System.out.println(bench.report);
      var out = Path.of("bench", "results");
      Files.createDirectories(out);
      Files.writeString(out.resolve("dispatch.txt"), bench.report.toString());
    }
  }

  void close() {
    fleet.close();
    plane.close();
  }

  void run(Set<String> only, int minutes, int throughputMinutes) throws Exception {
    report
        .append("Dispatch benchmark, ")
        .append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
        .append(", ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores, max heap ")
        .append(Runtime.getRuntime().maxMemory() / (1024 * 1024))
        .append(" MiB; pg_cron ")
        .append(targets.pgCronVersion())
        .append(" with cron.max_running_jobs = ")
        .append(targets.options().maxRunningJobs())
        .append(" (background workers)\nDispatcher: ")
        .append(dispatch)
        .append("\nLag = clock_timestamp() inside the procedure minus the slot.\n");
    if (only.contains("0")) {
      section("0. JobRunr as the carrier of runs: lag from due to start (poll interval 5 s)");
      jobRunrLag();
    }
    prepareTargets(only.contains("2") ? 500 : 105);
    if (only.contains("1") || only.contains("4")) {
      var w1 = minuteActions(20, 100, 1000, 0, false, "{}");
      Result hourglass1 = null;
      if (only.contains("1")) {
        section("1. 1,000 actions every minute, 100 databases, 20 tenants");
        hourglass1 = hourglassMinutes("Hourglass", w1, minutes);
        var cron1 = pgCronMinutes("pg_cron", w1, minutes);
        ratio(hourglass1, cron1);
      }
      if (only.contains("4")) {
        section(
            "4. Isolation: workload 1 plus one tenant with 1,000 actions hanging 75 s every minute");
        var hanging = minuteActions(1, 5, 1000, 100, false, "{\"sleep\": 75}");
        var all = new ArrayList<>(w1);
        all.addAll(hanging);
        var h4 = hourglassMinutes("Hourglass, other tenants", all, minutes, w1);
        var c4 = pgCronMinutes("pg_cron, other tenants", all, minutes, w1);
        if (hourglass1 != null) {
          report.append(
              String.format(
                  Locale.ROOT,
                  "  Hourglass p99 moved by %+.1f ms (alone %.1f ms, beside the hanging tenant %.1f"
                      + " ms)%n",
                  h4.p(0.99) - hourglass1.p(0.99),
                  hourglass1.p(0.99),
                  h4.p(0.99)));
        }
        ratio(h4, c4);
        archive(hanging);
      }
      archive(w1);
    }
    if (only.contains("2")) {
      section("2. 10,000 actions every minute, 500 databases, 100 tenants, one node");
      var w2 = minuteActions(100, 500, 10_000, 0, false, "{}");
      var burst = hourglassMinutes("Hourglass, all at second 0", w2, minutes);
      var cron2 = pgCronMinutes("pg_cron, all at second 0", w2, minutes);
      ratio(burst, cron2);
      archive(w2);
      var spread = minuteActions(100, 500, 10_000, 0, true, "{}");
      hourglassMinutes("Hourglass, spread over the minute", spread, minutes);
      archive(spread);
    }
    if (only.contains("3")) {
      section(
          "3. Throughput: 1,200 actions every 2 seconds (600 runs/s due) for "
              + throughputMinutes
              + " minutes");
      var w3 = intervalActions(20, 100, 1200, "2 seconds");
      throughput(w3, throughputMinutes);
      report.append("  pg_cron 1.4: not expressible (no schedules under a minute before 1.5)\n");
      archive(w3);
    }
  }

  /** Start times of the JobRunr probe jobs, against when each was due. */
  static final java.util.concurrent.ConcurrentLinkedQueue<Double> JOBRUNR_LAGS =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  /** The JobRunr probe job: records how late it started. */
  public static void jobRunrProbe(long dueEpochMillis) {
    JOBRUNR_LAGS.add((double) (System.currentTimeMillis() - dueEpochMillis));
  }

  /**
   * What carrying each run as a JobRunr job would give: 200 jobs enqueued when due, then 200
   * scheduled for a slot, on JobRunr's fastest open-source poll interval (5 s).
   */
  private void jobRunrLag() throws Exception {
    var storage =
        new org.jobrunr.storage.sql.postgres.PostgresStorageProvider(
            plane.ownerDataSource(),
            org.jobrunr.storage.StorageProviderUtils.DatabaseOptions.CREATE);
    org.jobrunr.configuration.JobRunr.configure()
        .useJsonMapper(new org.jobrunr.utils.mapper.jackson.JacksonJsonMapper())
        .useStorageProvider(storage)
        .useBackgroundJobServer(
            org.jobrunr.server.BackgroundJobServerConfiguration
                .usingStandardBackgroundJobServerConfiguration()
                .andPollIntervalInSeconds(5)
                .andWorkerCount(16))
        .initialize();
    try {
      int n = 200;
      for (int i = 0; i < n; i++) {
        long due = System.currentTimeMillis();
        org.jobrunr.scheduling.BackgroundJob.enqueue(() -> jobRunrProbe(due));
        Thread.sleep(50);
      }
      waitForJobRunr(n);
      var enqueued = drainJobRunrLags();
      var slot = Instant.now().plusSeconds(10).truncatedTo(ChronoUnit.SECONDS);
      for (int i = 0; i < n; i++) {
        long due = slot.toEpochMilli();
        org.jobrunr.scheduling.BackgroundJob.schedule(slot, () -> jobRunrProbe(due));
      }
      waitForJobRunr(n);
      var scheduled = drainJobRunrLags();
      for (var r :
          List.of(
              new Result("JobRunr, enqueued when due", n, n, 0, 0, enqueued, 10, ""),
              new Result("JobRunr, scheduled for the slot", n, n, 0, 0, scheduled, 10, ""))) {
        var line =
            String.format(
                Locale.ROOT,
                "  %-34s lag p50 %8.1f ms  p99 %9.1f ms  max %9.1f ms",
                r.who(),
                r.p(0.5),
                r.p(0.99),
                r.p(1.0));
        report.append(line).append('\n');
        System.out.println(line);
      }
    } finally {
      org.jobrunr.configuration.JobRunr.destroy();
    }
  }

  private static void waitForJobRunr(int n) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (JOBRUNR_LAGS.size() < n && System.nanoTime() < until) {
      Thread.sleep(200);
    }
  }

  private static double[] drainJobRunrLags() {
    var values = new ArrayList<Double>();
    Double v;
    while ((v = JOBRUNR_LAGS.poll()) != null) {
      values.add(v);
    }
    return values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
  }

  private void section(String title) {
    report.append('\n').append(title).append('\n');
    System.out.println(title);
  }

  private void ratio(Result hourglass, Result cron) {
    report.append(
        String.format(
            Locale.ROOT,
            "  pg_cron / Hourglass: p99 %.0fx, max %.0fx%n",
            cron.p(0.99) / hourglass.p(0.99),
            cron.p(1.0) / hourglass.p(1.0)));
  }

  // --- targets
  // --------------------------------------------------------------------------------------

  /** {@code count} databases from one template: the probe table and procedure, run as RUNNER. */
  private void prepareTargets(int count) throws SQLException {
    try (var c = targets.connect(targets.adminDatabase());
        var s = c.createStatement()) {
      s.execute("create role " + RUNNER + " login password '" + RUNNER_PASSWORD + "'");
      s.execute("create database bench_template");
    }
    try (var c = targets.connect("bench_template");
        var s = c.createStatement()) {
      s.execute(
          """
          create table public.probe (job_id integer not null, at timestamptz not null);
          grant insert, select, truncate on public.probe to bench_runner;
          create procedure public.bench_probe(job_id integer, config jsonb)
          language plpgsql as $$
          begin
            insert into public.probe values (job_id, clock_timestamp());
            if config ? 'sleep' then
              commit;
              perform pg_sleep((config->>'sleep')::float);
            end if;
          end $$;
          grant execute on procedure public.bench_probe(integer, jsonb) to bench_runner;
          """);
    }
    long t = System.nanoTime();
    try (var c = targets.connect(targets.adminDatabase());
        var s = c.createStatement()) {
      for (int i = 0; i < count; i++) {
        var name = String.format(Locale.ROOT, "bench_%03d", i);
        s.execute("create database " + name + " template bench_template");
        databases.add(name);
      }
    }
    System.out.printf(
        Locale.ROOT, "%d target databases in %.1f s%n", count, (System.nanoTime() - t) / 1e9);
  }

  // --- control plane seeding
  // ------------------------------------------------------------------------

  private Connection owner() throws SQLException {
    return plane.ownerDataSource().getConnection();
  }

  /** Tenants, with the target databases from {@code firstDatabase} on, registered once. */
  private List<UUID> tenantsWithDatabases(int tenants, int dbCount, int firstDatabase)
      throws SQLException {
    var result = new ArrayList<UUID>();
    try (var c = owner()) {
      c.setAutoCommit(false);
      try (var p =
          c.prepareStatement(
              "insert into person (subject, username, display_name, email, first_seen, last_seen)"
                  + " values (?, 'bench', 'Bench', 'bench@example.com', now(), now())"
                  + " on conflict do nothing")) {
        p.setString(1, SUBJECT);
        p.executeUpdate();
      }
      for (int t = 0; t < tenants; t++) {
        var tenant = UUID.randomUUID();
        result.add(tenant);
        try (var ps =
            c.prepareStatement(
                "insert into tenant (id, name, created_at, created_by) values (?, ?, now(), ?)")) {
          ps.setObject(1, tenant);
          ps.setString(2, "Bench " + tenant.toString().substring(0, 8));
          ps.setString(3, SUBJECT);
          ps.executeUpdate();
        }
      }
      var now = Timestamp.from(Instant.now());
      for (int d = 0; d < dbCount; d++) {
        var name = databases.get(firstDatabase + d);
        if (databaseIds.containsKey(name + "/" + result.get(d % tenants))) {
          continue;
        }
        var tenant = result.get(d % tenants);
        var id = UUID.randomUUID();
        var sealed =
            box.seal(RUNNER_PASSWORD, "tenant/" + tenant + "/database/" + id + "/password");
        try (var ps =
            c.prepareStatement(
                """
                insert into target_database (id, tenant_id, name, host, port, database_name,
                    username, password_sealed, password_key_id, ssl_mode, created_at, created_by,
                    updated_at)
                values (?, ?, ?, '127.0.0.1', ?, ?, ?, ?, ?, 'DISABLE', ?, ?, ?)
                """)) {
          ps.setObject(1, id);
          ps.setObject(2, tenant);
          ps.setString(3, name);
          ps.setInt(4, targets.port());
          ps.setString(5, name);
          ps.setString(6, RUNNER);
          ps.setBytes(7, sealed);
          ps.setString(8, SecretBox.keyIdOf(sealed));
          ps.setTimestamp(9, now);
          ps.setString(10, SUBJECT);
          ps.setTimestamp(11, now);
          ps.executeUpdate();
        }
        databaseIds.put(name + "/" + tenant, id);
      }
      c.commit();
    }
    return result;
  }

  /**
   * {@code count} actions running bench_probe every minute (cron {@code * * * * *}), spread evenly
   * over {@code dbCount} databases of {@code tenants} tenants; not scheduled until a phase starts.
   * With {@code spread} they are one-minute intervals whose slots are spread over the minute.
   */
  private List<BenchAction> minuteActions(
      int tenants, int dbCount, int count, int firstDatabase, boolean spread, String config)
      throws SQLException {
    return actions(tenants, dbCount, count, firstDatabase, config, spread ? "spread" : "cron");
  }

  private List<BenchAction> intervalActions(int tenants, int dbCount, int count, String interval)
      throws SQLException {
    return actions(tenants, dbCount, count, 0, "{}", interval);
  }

  private List<BenchAction> actions(
      int tenants, int dbCount, int count, int firstDatabase, String config, String shape)
      throws SQLException {
    var tenantIds = tenantsWithDatabases(tenants, dbCount, firstDatabase);
    var result = new ArrayList<BenchAction>();
    try (var c = owner()) {
      c.setAutoCommit(false);
      try (var ps =
          c.prepareStatement(
              """
              insert into action (id, tenant_id, database_id, job_name, routine_schema,
                  routine_name, routine_kind, config, schedule_interval, cron, initial_start,
                  fixed_schedule, scheduled, next_start, created_at, created_by, updated_at)
              values (?, ?, ?, ?, 'public', 'bench_probe', 'PROCEDURE', ?::jsonb, ?::interval, ?,
                      ?, true, false, null, now(), ?, now())
              returning job_id
              """)) {
        var origin = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < count; i++) {
          int d = i % dbCount;
          var tenant = tenantIds.get(d % tenants);
          var name = databases.get(firstDatabase + d);
          var id = UUID.randomUUID();
          ps.setObject(1, id);
          ps.setObject(2, tenant);
          ps.setObject(3, databaseIds.get(name + "/" + tenant));
          ps.setString(4, "bench " + id);
          ps.setString(5, config);
          switch (shape) {
            case "cron" -> {
              ps.setString(6, null);
              ps.setString(7, "* * * * *");
              ps.setTimestamp(8, null);
            }
            case "spread" -> {
              ps.setString(6, "1 minute");
              ps.setString(7, null);
              // Slots at i * 6 ms past each minute: spread evenly over the minute.
              ps.setTimestamp(8, Timestamp.from(origin.plusMillis((i * 60_000L / count))));
            }
            default -> {
              ps.setString(6, shape);
              ps.setString(7, null);
              ps.setTimestamp(8, Timestamp.from(origin));
            }
          }
          ps.setString(9, SUBJECT);
          try (var rs = ps.executeQuery()) {
            rs.next();
            result.add(
                new BenchAction(
                    id, rs.getInt(1), name, "spread".equals(shape) ? i * 60_000L / count : 0));
          }
        }
      }
      c.commit();
    }
    return result;
  }

  private void archive(List<BenchAction> actions) throws SQLException {
    try (var c = owner();
        var ps =
            c.prepareStatement(
                "update action set scheduled = false, next_start = null, archived_at = now(),"
                    + " archived_by = ? where id in (select id from action where id = any(?) order by id for update)")) {
      ps.setString(1, SUBJECT);
      ps.setArray(2, c.createArrayOf("uuid", actions.stream().map(BenchAction::id).toArray()));
      ps.executeUpdate();
    }
  }

  // --- phases
  // ---------------------------------------------------------------------------------------

  private Result hourglassMinutes(String who, List<BenchAction> actions, int minutes)
      throws Exception {
    return hourglassMinutes(who, actions, minutes, actions);
  }

  /**
   * Runs {@code actions} for {@code minutes} whole minutes on the dispatcher and measures {@code
   * measured} (a subset, for the isolation workload).
   */
  private Result hourglassMinutes(
      String who, List<BenchAction> actions, int minutes, List<BenchAction> measured)
      throws Exception {
    truncateProbes();
    // One warm-up minute first: a node that has run for a while has its connections open. The
    // cold minute is reported on its own.
    var warmup = nextMinute(Duration.ofSeconds(8));
    var t0 = warmup.plus(Duration.ofMinutes(1));
    try (var c = owner();
        var ps =
            c.prepareStatement(
                """
                update action set scheduled = true,
                       next_start = case when schedule_interval is null then ?::timestamptz
                                    else ?::timestamptz + (initial_start - date_trunc('minute',
                                         initial_start)) end
                 where id in (select id from action where id = any(?) order by id for update)
                """)) {
      ps.setTimestamp(1, Timestamp.from(warmup));
      ps.setTimestamp(2, Timestamp.from(warmup));
      ps.setArray(3, c.createArrayOf("uuid", actions.stream().map(BenchAction::id).toArray()));
      ps.executeUpdate();
    }
    var dispatcher = newDispatcher();
    var sampler = new Sampler();
    System.out.println(
        "  " + who + ": from " + warmup + ", measured from " + t0 + " for " + minutes + " min");
    dispatcher.start();
    sleepUntil(t0.minusSeconds(5));
    sampler.start();
    var end = t0.plus(Duration.ofMinutes(minutes)).plusSeconds(20);
    sleepUntil(end);
    sampler.stop();
    unschedule(actions);
    terminateSleepers("hourglass run %");
    dispatcher.stop(Duration.ofSeconds(10));
    measure(who + ", cold minute", measured, warmup, 1, Duration.ofMinutes(1), "");
    var result = measure(who, measured, t0, minutes, Duration.ofMinutes(1), sampler.summary());
    breakdown(measured, t0, t0.plus(Duration.ofMinutes(minutes)));
    return result;
  }

  /** Where the lag arises: claim ahead of the slot, and the start (call sent) after it. */
  private void breakdown(List<BenchAction> actions, Instant from, Instant to) throws SQLException {
    try (var c = owner();
        var ps =
            c.prepareStatement(
                """
                select percentile_cont(array[0.5, 0.99]) within group (order by
                         extract(epoch from scheduled_for - claimed_at) * 1000),
                       percentile_cont(array[0.5, 0.99]) within group (order by
                         extract(epoch from started_at - scheduled_for) * 1000),
                       percentile_cont(array[0.5, 0.99]) within group (order by
                         extract(epoch from finished_at - started_at) * 1000)
                  from action_run where action_id = any(?) and scheduled_for >= ?
                   and scheduled_for < ?
                """)) {
      ps.setArray(1, c.createArrayOf("uuid", actions.stream().map(BenchAction::id).toArray()));
      ps.setTimestamp(2, Timestamp.from(from));
      ps.setTimestamp(3, Timestamp.from(to));
      try (var rs = ps.executeQuery()) {
        rs.next();
        var ahead = (Double[]) rs.getArray(1).getArray();
        var start = (Double[]) rs.getArray(2).getArray();
        var call = (Double[]) rs.getArray(3).getArray();
        var line =
            String.format(
                Locale.ROOT,
                "  %-34s claimed ahead p50 %.0f ms (p99 %.0f); call sent after the slot p50 %.1f ms"
                    + " (p99 %.1f); call took p50 %.1f ms (p99 %.1f)",
                "",
                ahead[0],
                ahead[1],
                start[0],
                start[1],
                call[0],
                call[1]);
        report.append(line).append('\n');
        System.out.println(line);
      }
    }
  }

  private Dispatcher newDispatcher() {
    return new Dispatcher(
        plane.dataSource(),
        Clock.systemUTC(),
        fleet.connections(),
        dispatch,
        RandomGenerator.of("L64X128MixRandom"));
  }

  private Result pgCronMinutes(String who, List<BenchAction> actions, int minutes)
      throws Exception {
    return pgCronMinutes(who, actions, minutes, actions);
  }

  private Result pgCronMinutes(
      String who, List<BenchAction> actions, int minutes, List<BenchAction> measured)
      throws Exception {
    truncateProbes();
    try (var c = targets.connect(targets.cronDatabase())) {
      c.setAutoCommit(false);
      try (var ps =
          c.prepareStatement("select cron.schedule_in_database(?, '* * * * *', ?, ?, ?, true)")) {
        for (var a : actions) {
          ps.setString(1, "bench-" + a.jobId());
          ps.setString(2, "call public.bench_probe(" + a.jobId() + ", " + configOf(a) + ")");
          ps.setString(3, a.database());
          ps.setString(4, RUNNER);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      c.commit();
    }
    var t0 = nextMinute(Duration.ofSeconds(8));
    System.out.println("  " + who + ": from " + t0 + " for " + minutes + " min");
    sleepUntil(t0.plus(Duration.ofMinutes(minutes)).plusSeconds(20));
    try (var c = targets.connect(targets.cronDatabase());
        var s = c.createStatement()) {
      s.execute("select cron.unschedule(jobid) from cron.job");
    }
    terminateSleepers("pg_cron%");
    terminateSleepers("pg_cron");
    return measure(who, measured, t0, minutes, Duration.ofMinutes(1), "");
  }

  private final Map<Integer, String> configs = new HashMap<>();

  private String configOf(BenchAction a) throws SQLException {
    if (configs.isEmpty()) {
      try (var c = owner();
          var rs = c.createStatement().executeQuery("select job_id, config::text from action")) {
        while (rs.next()) {
          configs.put(rs.getInt(1), rs.getString(2));
        }
      }
    }
    var config = configs.get(a.jobId());
    return config == null ? "null" : "'" + config.replace("'", "''") + "'::jsonb";
  }

  private void throughput(List<BenchAction> actions, int minutes) throws Exception {
    truncateProbes();
    var t0 = nextMinute(Duration.ofSeconds(8));
    try (var c = owner();
        var ps =
            c.prepareStatement(
                "update action set scheduled = true, next_start = ? where id in (select id from action where id = any(?) order by id for update)")) {
      ps.setTimestamp(1, Timestamp.from(t0));
      ps.setArray(2, c.createArrayOf("uuid", actions.stream().map(BenchAction::id).toArray()));
      ps.executeUpdate();
    }
    var dispatcher = newDispatcher();
    var sampler = new Sampler();
    System.out.println("  Hourglass: from " + t0 + " for " + minutes + " min");
    dispatcher.start();
    sampler.start();
    sleepUntil(t0.plus(Duration.ofMinutes(minutes)).plusSeconds(10));
    sampler.stop();
    unschedule(actions);
    dispatcher.stop(Duration.ofSeconds(10));
    var result =
        measure("Hourglass", actions, t0, minutes * 30, Duration.ofSeconds(2), sampler.summary());
    // End to end: outcomes recorded in the control plane for the window's slots.
    try (var c = owner();
        var ps =
            c.prepareStatement(
                """
                select count(*), count(*) filter (where status = 'SUCCEEDED'),
                       min(finished_at), max(finished_at)
                  from action_run where action_id = any(?) and scheduled_for >= ?
                   and scheduled_for < ?
                """)) {
      ps.setArray(1, c.createArrayOf("uuid", actions.stream().map(BenchAction::id).toArray()));
      ps.setTimestamp(2, Timestamp.from(t0));
      ps.setTimestamp(3, Timestamp.from(t0.plus(Duration.ofMinutes(minutes))));
      try (var rs = ps.executeQuery()) {
        rs.next();
        double seconds =
            Duration.between(rs.getTimestamp(3).toInstant(), rs.getTimestamp(4).toInstant())
                    .toMillis()
                / 1000.0;
        report.append(
            String.format(
                Locale.ROOT,
                "  recorded in the control plane: %d runs (%d succeeded), %.1f runs/s from first to"
                    + " last finish%n",
                rs.getLong(1),
                rs.getLong(2),
                rs.getLong(1) / seconds));
      }
    }
  }

  /**
   * Unschedules in small batches, retrying a deadlock: the dispatcher's recorder locks a batch's
   * actions tenant by tenant, so a bulk update in another order can meet it.
   */
  private void unschedule(List<BenchAction> actions) throws SQLException {
    for (int from = 0; from < actions.size(); from += 100) {
      var part = actions.subList(from, Math.min(actions.size(), from + 100));
      for (int attempt = 1; ; attempt++) {
        try {
          unscheduleBatch(part);
          break;
        } catch (SQLException e) {
          if (!"40P01".equals(e.getSQLState()) || attempt == 10) {
            throw e;
          }
        }
      }
    }
  }

  private void unscheduleBatch(List<BenchAction> actions) throws SQLException {
    try (var c = owner();
        var ps =
            c.prepareStatement(
                "update action set scheduled = false, next_start = null where id in (select id from action where id = any(?) order by id for update)")) {
      ps.setArray(1, c.createArrayOf("uuid", actions.stream().map(BenchAction::id).toArray()));
      ps.executeUpdate();
    }
  }

  private void terminateSleepers(String applicationName) throws SQLException {
    try (var c = targets.connect(targets.adminDatabase());
        var ps =
            c.prepareStatement(
                "select count(pg_terminate_backend(pid)) from pg_stat_activity"
                    + " where application_name like ? and query like '%bench_probe%'")) {
      ps.setString(1, applicationName);
      ps.executeQuery().close();
    }
  }

  private void truncateProbes() throws SQLException {
    for (var name : databases) {
      try (var c = targets.connect(name);
          var s = c.createStatement()) {
        s.execute("truncate public.probe");
      }
    }
  }

  /**
   * Reads the probes: per action, the calls whose slot lies in {@code slots} periods from {@code
   * t0}; a slot is the call's time rounded down to the period (lags stay far below it).
   */
  private Result measure(
      String who,
      List<BenchAction> actions,
      Instant t0,
      int slots,
      Duration period,
      String resources)
      throws SQLException {
    var jobs = new HashMap<String, Set<Integer>>();
    var offsets = new HashMap<Integer, Long>();
    for (var a : actions) {
      jobs.computeIfAbsent(a.database(), d -> new HashSet<>()).add(a.jobId());
      offsets.put(a.jobId(), a.offsetMillis());
    }
    var lags = new ArrayList<Double>();
    var bySlot = new java.util.TreeMap<Integer, List<Double>>();
    var seen = new HashSet<Long>();
    int calls = 0;
    int duplicates = 0;
    long p = period.toMillis();
    long start = t0.toEpochMilli();
    long end = start + slots * p;
    for (var entry : jobs.entrySet()) {
      try (var c = targets.connect(entry.getKey());
          var rs =
              c.createStatement()
                  .executeQuery(
                      "select job_id, (extract(epoch from at) * 1000000)::bigint from public.probe")) {
        while (rs.next()) {
          int job = rs.getInt(1);
          if (!entry.getValue().contains(job)) {
            continue;
          }
          // Slots of spread actions lie their offset past the period's start.
          double atMs = rs.getLong(2) / 1000.0 - offsets.get(job);
          long slot = start + (long) Math.floor((atMs - start) / p) * p;
          if (slot < start || slot >= end) {
            continue;
          }
          calls++;
          if (!seen.add(((long) job << 32) | ((slot - start) / p))) {
            duplicates++;
          }
          lags.add(atMs - slot);
          bySlot
              .computeIfAbsent((int) ((slot - start) / p), k -> new ArrayList<>())
              .add(atMs - slot);
        }
      }
    }
    int expected = actions.size() * slots;
    var sorted = lags.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    var result =
        new Result(
            who,
            expected,
            calls,
            expected - seen.size(),
            duplicates,
            sorted,
            (end - start) / 1000.0,
            resources);
    report.append(result.line()).append('\n');
    System.out.println(result.line());
    if (bySlot.size() <= 10) {
      var perSlot = new StringBuilder("  " + " ".repeat(34) + " p99 per slot:");
      bySlot.forEach(
          (slot, values) -> {
            var sortedSlot = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            perSlot.append(
                String.format(
                    Locale.ROOT,
                    " %.0f",
                    sortedSlot[Math.max(0, (int) Math.ceil(0.99 * sortedSlot.length) - 1)]));
          });
      report.append(perSlot).append(" ms\n");
      System.out.println(perSlot + " ms");
    }
    return result;
  }

  private static Instant nextMinute(Duration atLeast) {
    var t = Instant.now().plus(atLeast).truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
    return t;
  }

  private static void sleepUntil(Instant t) throws InterruptedException {
    long ms = Duration.between(Instant.now(), t).toMillis();
    if (ms > 0) {
      Thread.sleep(ms);
    }
  }

  /** Samples this JVM's CPU time and heap once a second while a phase runs. */
  static final class Sampler {
    private final OperatingSystemMXBean os =
        (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private volatile boolean running;
    private Thread thread;
    private long cpuStart;
    private long wallStart;
    private long cpuEnd;
    private long wallEnd;
    private long maxHeap;
    private final List<Long> heapAfterGc = new ArrayList<>();

    void start() {
      running = true;
      cpuStart = os.getProcessCpuTime();
      wallStart = System.nanoTime();
      thread =
          new Thread(
              () -> {
                while (running) {
                  var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                  maxHeap = Math.max(maxHeap, heap);
                  try {
                    Thread.sleep(1000);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "bench-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      running = false;
      thread.interrupt();
      thread.join();
      cpuEnd = os.getProcessCpuTime();
      wallEnd = System.nanoTime();
      System.gc();
      heapAfterGc.add(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }

    String summary() {
      double cores = (cpuEnd - cpuStart) / (double) (wallEnd - wallStart);
      return String.format(
          Locale.ROOT,
          "app CPU %.2f cores (%.0f%% of %d), heap max %d MiB, live after GC %d MiB",
          cores,
          100 * cores / Runtime.getRuntime().availableProcessors(),
          Runtime.getRuntime().availableProcessors(),
          maxHeap / (1024 * 1024),
          heapAfterGc.get(0) / (1024 * 1024));
    }
  }
}
