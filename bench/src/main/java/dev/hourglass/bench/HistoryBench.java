package dev.hourglass.bench;

import dev.hourglass.action.ActionId;
import dev.hourglass.action.internal.JdbcActionService;
import dev.hourglass.database.internal.JdbcDatabaseService;
import dev.hourglass.dispatch.RunFilter;
import dev.hourglass.dispatch.RunPage;
import dev.hourglass.dispatch.RunStatus;
import dev.hourglass.dispatch.internal.JdbcRunHistory;
import dev.hourglass.infra.PostgresServer;
import dev.hourglass.platform.ControlPlane;
import dev.hourglass.platform.Settings;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.TenantId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * The run history and dashboard pages over 10 million stored runs (issue 6): every service call a
 * page makes when it opens or searches, as the app role under row-level security, timed together.
 *
 * <p>Shape: 100 teams; one big team with 200 actions (920,000 runs), 99 teams with 20 actions each;
 * 5 databases per team; 4,600 runs per action, one every 5 minutes back from now (16 days),
 * 10,028,000 runs in all; about 3 % failed (SQLSTATEs and messages of a few kinds), 0.5 % timed
 * out, 0.1 % crashed. The control plane is an embedded PostgreSQL. Results go to stdout and
 * bench/results/history.txt. Run with {@code ./hourglass bench history [--runs-per-action N]
 * [--samples N]}.
 */
public final class HistoryBench {

  static final int TEAMS = 100;
  static final int BIG_TEAM_ACTIONS = 200;
  static final int TEAM_ACTIONS = 20;
  static final int DATABASES_PER_TEAM = 5;

  private final StringBuilder report = new StringBuilder();
  private final ControlPlane plane;
  private final JdbcRunHistory history;
  private final JdbcActionService actions;
  private final JdbcDatabaseService databases;
  private final Random random = new Random(42);
  private final List<UUID> teams = new ArrayList<>();
  private final List<String> subjects = new ArrayList<>();
  private long bigTeamRuns;
  private long ordinaryTeamRuns;

  HistoryBench(PostgresServer control) {
    var name = control.createDatabase("hg_history_bench");
    var app = control.createLoginRole("hg_history_app");
    plane =
        ControlPlane.open(
            new Settings.Database(
                control.jdbcUrl(name),
                control.user(),
                control.password(),
                app.name(),
                app.password(),
                8));
    plane.migrate();
    history = new JdbcRunHistory(plane.dataSource());
    actions = new JdbcActionService(plane.dataSource(), Clock.systemUTC(), null, null);
    databases = new JdbcDatabaseService(plane.dataSource(), Clock.systemUTC(), null, null);
  }

  public static void main(String[] args) throws Exception {
    for (var quiet : List.of("com.zaxxer.hikari", "org.flywaydb", "io.zonky")) {
      java.util.logging.Logger.getLogger(quiet).setLevel(java.util.logging.Level.WARNING);
    }
    int runsPerAction = 4_600;
    int samples = 200;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--runs-per-action" -> runsPerAction = Integer.parseInt(args[++i]);
        case "--samples" -> samples = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("Unknown argument " + args[i]);
      }
    }
    try (var control = PostgresServer.embedded(null, 0)) {
      var bench = new HistoryBench(control);
      try {
        bench.seed(runsPerAction);
        bench.measure(samples);
      } finally {
        bench.plane.close();
      }
      System.out.println(bench.report);
      var out = Path.of("bench", "results");
      Files.createDirectories(out);
      Files.writeString(out.resolve("history.txt"), bench.report.toString());
    }
  }

  /** Teams, databases and actions by SQL as the owner, then the runs in one generated insert. */
  void seed(int runsPerAction) throws SQLException {
    long started = System.nanoTime();
    try (var c = plane.ownerDataSource().getConnection()) {
      c.setAutoCommit(false);
      for (int t = 0; t < TEAMS; t++) {
        var team = UUID.randomUUID();
        var subject = "bench-" + t;
        teams.add(team);
        subjects.add(subject);
        exec(
            c,
            "insert into person values (?, ?, ?, null, now(), now())",
            subject,
            subject,
            "Bench person " + t);
        exec(
            c,
            "insert into tenant (id, name, created_at, created_by) values (?, ?, now(), ?)",
            team,
            String.format(Locale.ROOT, "Team %03d", t),
            subject);
        exec(c, "insert into membership values (?, ?, 'VIEWER', now())", team, subject);
        exec(
            c,
            """
            insert into target_database (id, tenant_id, name, environment, host, port,
                database_name, username, password_sealed, password_key_id, ssl_mode, created_at,
                created_by, updated_at)
            select gen_random_uuid(), ?, 'Database ' || g, 'production', '127.0.0.1', 5432,
                   'db' || g, 'runner', '\\x00'::bytea, 'bench', 'DISABLE', now(), ?, now()
              from generate_series(1, ?) g
            """,
            team,
            subject,
            DATABASES_PER_TEAM);
        exec(
            c,
            """
            insert into action (id, tenant_id, database_id, job_name, routine_schema,
                routine_name, routine_kind, config, schedule_interval, initial_start,
                next_start, created_at, created_by, updated_at)
            select gen_random_uuid(), d.tenant_id, d.id, d.name || ' action ' || g, 'public',
                   'tidy', 'PROCEDURE', '{"keep": 3}', interval '5 minutes', now(),
                   now() + interval '5 minutes', now(), ?, now()
              from target_database d cross join generate_series(1, ?) g
             where d.tenant_id = ?
            """,
            subject,
            (t == 0 ? BIG_TEAM_ACTIONS : TEAM_ACTIONS) / DATABASES_PER_TEAM,
            team);
      }
      c.commit();
      // Indexes are built once after the insert, as a restore would; their definitions are read
      // from the migrated schema, so the benchmark measures exactly the migration's indexes.
      var indexes = new ArrayList<String>();
      try (var st = c.createStatement();
          var rs =
              st.executeQuery(
                  "select indexname, indexdef from pg_indexes where tablename = 'action_run'"
                      + " and indexname not in ('action_run_pkey', 'action_run_once_per_slot')")) {
        while (rs.next()) {
          indexes.add(rs.getString(2));
          try (var drop = c.createStatement()) {
            drop.execute("drop index " + rs.getString(1));
          }
        }
      }
      exec(
          c,
          """
          insert into action_run (tenant_id, action_id, database_id, job_id, scheduled_for,
              attempt, status, node, claimed_at, started_at, finished_at, sqlstate, message,
              detail, hint, config)
          select a.tenant_id, a.id, a.database_id, a.job_id, slot, 1, k.status, 'node-1',
                 slot - interval '1 second', slot + lag, slot + lag + took, k.sqlstate,
                 k.message, k.detail, k.hint, a.config
            from action a
           cross join generate_series(1, ?) g
           cross join lateral (
               select date_trunc('minute', now()) - g * interval '5 minutes' as slot,
                      make_interval(secs => (random() * 0.02)) as lag,
                      make_interval(secs => (random() * 0.5)) as took,
                      random() as roll) s
           cross join lateral (
               select case when roll < 0.001 then 'CRASHED'
                           when roll < 0.006 then 'TIMED_OUT'
                           when roll < 0.036 then 'FAILED'
                           else 'SUCCEEDED' end as status) st
           cross join lateral (
               select st.status,
                      case st.status when 'TIMED_OUT' then '57014'
                           when 'FAILED' then (array['42P01', '23505', 'HG001', '40P01'])
                               [1 + (g % 4)] end as sqlstate,
                      case st.status when 'TIMED_OUT'
                               then 'canceling statement due to statement timeout'
                           when 'CRASHED' then 'The node stopped answering during the run.'
                           when 'FAILED' then (array['relation "staging_' || g % 97
                               || '" does not exist', 'duplicate key value violates unique'
                               || ' constraint "orders_pkey"', 'partner feed is down',
                               'deadlock detected'])[1 + (g % 4)] end as message,
                      case st.status when 'FAILED' then 'Key (id)=(' || g || ') already exists.'
                           end as detail,
                      case st.status when 'FAILED' then 'It usually comes back within the hour.'
                           end as hint) k
          """,
          runsPerAction);
      c.commit();
      for (var index : indexes) {
        try (var st = c.createStatement()) {
          st.execute(index);
        }
      }
      exec(
          c,
          """
          update action a set total_runs = s.total, total_successes = s.ok,
                 total_failures = s.total - s.ok - s.crashed, total_crashes = s.crashed,
                 last_run_status = s.last_status, last_finish = s.last_finish,
                 last_run_started_at = s.last_finish
            from (select action_id, count(*) total,
                         count(*) filter (where status = 'SUCCEEDED') ok,
                         count(*) filter (where status = 'CRASHED') crashed,
                         max(finished_at) last_finish,
                         (array_agg(status order by scheduled_for desc))[1] last_status
                    from action_run group by action_id) s
           where s.action_id = a.id
          """);
      c.commit();
      c.setAutoCommit(true);
      try (var st = c.createStatement()) {
        st.execute("vacuum analyze action_run");
        st.execute("vacuum analyze action");
      }
      long total = single(c, "select count(*) from action_run");
      long bigTeam =
          single(c, "select count(*) from action_run where tenant_id = '" + teams.get(0) + "'");
      bigTeamRuns = bigTeam;
      ordinaryTeamRuns = (total - bigTeam) / (TEAMS - 1);
      long failures = single(c, "select count(*) from action_run where status <> 'SUCCEEDED'");
      String size = text(c, "select pg_size_pretty(pg_total_relation_size('action_run'))");
      report
          .append("Run history benchmark, ")
          .append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
          .append(", ")
          .append(Runtime.getRuntime().availableProcessors())
          .append(" cores, PostgreSQL ")
          .append(text(c, "show server_version"))
          .append("\nStored: ")
          .append(String.format(Locale.ROOT, "%,d", total))
          .append(" runs (")
          .append(String.format(Locale.ROOT, "%,d", failures))
          .append(" not succeeded) in ")
          .append(TEAMS)
          .append(" teams; the big team has ")
          .append(String.format(Locale.ROOT, "%,d", bigTeam))
          .append("; action_run with indexes: ")
          .append(size)
          .append("; seeded in ")
          .append(Duration.ofNanos(System.nanoTime() - started).toSeconds())
          .append(" s\n");
    }
  }

  /** Each page's service calls, timed together, for the big team and a random ordinary one. */
  void measure(int samples) {
    report.append(
        String.format(
            Locale.ROOT,
            "%-58s %8s %8s %8s %8s%n",
            "page (service calls per open or search), ms",
            "p50",
            "p95",
            "max",
            "rows"));
    for (boolean big : List.of(true, false)) {
      var label =
          String.format(
              Locale.ROOT,
              big ? "the big team (%,d runs)" : "a random ordinary team (%,d runs each)",
              big ? bigTeamRuns : ordinaryTeamRuns);
      report.append(label).append('\n');
      page(
          samples,
          big,
          "dashboard: change mark, databases, actions, job_stats",
          s -> () -> dashboard(s));
      page(samples, big, "run history opened: all runs, first 50", s -> () -> historyOpen(s));
      page(
          samples,
          big,
          "history of one database, failures only",
          s -> () -> oneDatabaseFailures(s));
      page(
          samples,
          big,
          "history of one action (its page: stats + 100 runs)",
          s -> () -> actionPage(s));
      page(samples, big, "job_errors by text, last 7 days", s -> () -> errorsByText(s, true));
      page(samples, big, "job_errors by text, all time, no match", s -> () -> noMatch(s));
      page(
          samples,
          big,
          "job_errors by text, all time, a quarter of failures match",
          s -> () -> errorsByText(s, false));
      page(samples, big, "job_errors by SQLSTATE class 42", s -> () -> bySqlState(s));
      page(samples, big, "page 20 of all runs (keyset, after walking 19)", this::deepPage);
      page(samples, big, "succeeded runs in a 2-hour window a week ago", s -> () -> window(s));
      page(samples, big, "run page (run + action)", s -> () -> runPage(s));
    }
  }

  /** One signed-in member of a team, for one sample. */
  record Scope(Caller caller, TenantId tenant) {}

  /**
   * Times {@code call}'s result: the function prepares untimed (for a deep page: walks to it), the
   * supplier it returns is the timed part.
   */
  private void page(
      int samples,
      boolean big,
      String name,
      java.util.function.Function<Scope, java.util.function.Supplier<Integer>> call) {
    var times = new double[samples];
    int rows = 0;
    for (int i = -20; i < samples; i++) { // 20 warm-up calls
      int t = big ? 0 : 1 + random.nextInt(TEAMS - 1);
      var scope =
          new Scope(
              new Caller(subjects.get(t), subjects.get(t), subjects.get(t), ""),
              new TenantId(teams.get(t)));
      var timed = call.apply(scope);
      long start = System.nanoTime();
      rows = timed.get();
      if (i >= 0) {
        times[i] = (System.nanoTime() - start) / 1e6;
      }
    }
    Arrays.sort(times);
    report.append(
        String.format(
            Locale.ROOT,
            "  %-56s %8.1f %8.1f %8.1f %8d%n",
            name,
            times[samples / 2],
            times[(int) Math.ceil(samples * 0.95) - 1],
            times[samples - 1],
            rows));
  }

  private int dashboard(Scope s) {
    databases.changeMark(s.caller(), s.tenant());
    int n = databases.list(s.caller(), s.tenant()).size();
    n += actions.list(s.caller(), s.tenant(), Optional.empty()).size();
    history.stats(s.caller(), s.tenant(), Optional.empty());
    return n;
  }

  /** What HistoryView does when it opens: names for the filters, job_stats, the first page. */
  private int historyOpen(Scope s) {
    databases.list(s.caller(), s.tenant());
    actions.list(s.caller(), s.tenant(), Optional.empty());
    history.stats(s.caller(), s.tenant(), Optional.empty());
    return history
        .search(s.caller(), s.tenant(), RunFilter.all(), Optional.empty(), 50)
        .runs()
        .size();
  }

  private int oneDatabaseFailures(Scope s) {
    var database = pick(databases.list(s.caller(), s.tenant())).id();
    history.stats(s.caller(), s.tenant(), Optional.of(database));
    var filter =
        RunFilter.all()
            .inDatabase(database)
            .withStatuses(Set.of(RunStatus.FAILED, RunStatus.TIMED_OUT, RunStatus.CRASHED));
    return history.search(s.caller(), s.tenant(), filter, Optional.empty(), 50).runs().size();
  }

  private int actionPage(Scope s) {
    var action = anAction(s);
    actions.get(s.caller(), s.tenant(), action);
    history.stats(s.caller(), s.tenant(), action);
    return history.runs(s.caller(), s.tenant(), action, 100).size();
  }

  private int errorsByText(Scope s, boolean lastWeek) {
    var now = Instant.now();
    var filter =
        RunFilter.all()
            .between(
                lastWeek ? Optional.of(now.minus(Duration.ofDays(7))) : Optional.empty(),
                Optional.empty())
            .withError(Optional.empty(), Optional.of("feed is DOWN"));
    return history.search(s.caller(), s.tenant(), filter, Optional.empty(), 50).runs().size();
  }

  private int noMatch(Scope s) {
    var filter = RunFilter.all().withError(Optional.empty(), Optional.of("no such text anywhere"));
    return history.search(s.caller(), s.tenant(), filter, Optional.empty(), 50).runs().size();
  }

  private int bySqlState(Scope s) {
    var filter = RunFilter.all().withError(Optional.of("42"), Optional.empty());
    return history.search(s.caller(), s.tenant(), filter, Optional.empty(), 50).runs().size();
  }

  private java.util.function.Supplier<Integer> deepPage(Scope s) {
    Optional<RunPage.Cursor> after = Optional.empty();
    for (int i = 0; i < 19; i++) {
      after = history.search(s.caller(), s.tenant(), RunFilter.all(), after, 50).next();
    }
    var cursor = after;
    return () -> history.search(s.caller(), s.tenant(), RunFilter.all(), cursor, 50).runs().size();
  }

  private int window(Scope s) {
    var start = Instant.now().minus(Duration.ofDays(7)).truncatedTo(ChronoUnit.HOURS);
    var filter =
        RunFilter.all()
            .withStatuses(Set.of(RunStatus.SUCCEEDED))
            .between(Optional.of(start), Optional.of(start.plus(Duration.ofHours(2))));
    return history.search(s.caller(), s.tenant(), filter, Optional.empty(), 50).runs().size();
  }

  private int runPage(Scope s) {
    var action = anAction(s);
    var runs = history.runs(s.caller(), s.tenant(), action, 1);
    var run = history.run(s.caller(), s.tenant(), runs.get(0).id());
    actions.get(s.caller(), s.tenant(), run.action());
    return 1;
  }

  private ActionId anAction(Scope s) {
    return pick(actions.list(s.caller(), s.tenant(), Optional.empty())).id();
  }

  private <T> T pick(List<T> list) {
    return list.get(random.nextInt(list.size()));
  }

  private static void exec(Connection c, String sql, Object... args) throws SQLException {
    try (var ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.execute();
    }
  }

  private static long single(Connection c, String sql) throws SQLException {
    try (var st = c.createStatement();
        var rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String text(Connection c, String sql) throws SQLException {
    try (var st = c.createStatement();
        var rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
