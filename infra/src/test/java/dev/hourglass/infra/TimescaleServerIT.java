package dev.hourglass.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TimescaleDB on PGlite answers the TimescaleDB API that Hourglass relies on, over plain JDBC. Each
 * test opens and closes its own connection: the server serves one at a time.
 *
 * <p>The next_start values printed here ("TimescaleDB next_start ...") are what TimescaleDB 2.23
 * computes; the schedule module's parity test compares against them.
 */
class TimescaleServerIT {

  private static final Path WORK = Path.of("target/it-timescale").toAbsolutePath();
  private static TimescaleServer server;

  @BeforeAll
  static void start() {
    server = TimescaleServer.start(WORK.resolve("shared"), Duration.ofSeconds(90));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void timescaledb_2_23_answers_over_jdbc_on_loopback() throws Exception {
    try (Connection c = connect(server)) {
      assertThat(text(c, "select extversion from pg_extension where extname = 'timescaledb'"))
          .startsWith("2.23.");
      assertThat(text(c, "show server_version")).startsWith("17.");
      assertThat(text(c, "show search_path")).isEqualTo("\"$user\", public");
      assertThat(text(c, "show client_min_messages")).isEqualTo("notice");
      // PGlite ignores pgjdbc's TimeZone start-up parameter: the session stays in GMT.
      assertThat(text(c, "show timezone")).isEqualTo("GMT");
      assertThat(text(c, "select current_user")).isEqualTo("postgres");
    }
    assertThat(server.jdbcUrl())
        .isEqualTo("jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres?sslmode=disable");
    assertThat(TestFiles.listeningAddresses(server.pid()))
        .allMatch(address -> address.startsWith("127.0.0.1:"));
  }

  @Test
  void hypertables_get_chunks_that_drop_chunks_drops_and_compress_chunk_compresses()
      throws Exception {
    try (Connection c = connect(server);
        Statement s = c.createStatement()) {
      s.execute(
          "create table metrics (ts timestamptz not null, device int, value double precision)");
      s.execute("select create_hypertable('metrics', by_range('ts', interval '1 day'))");
      s.execute(
          "insert into metrics select t, 1, 0.5 from generate_series("
              + "'2026-01-01 00:00+00'::timestamptz, '2026-01-10 23:00+00', interval '1 hour') t");
      assertThat(number(c, "select count(*) from show_chunks('metrics')")).isEqualTo(10);

      long dropped =
          number(
              c,
              "select count(*) from drop_chunks('metrics', older_than => '2026-01-04 00:00+00'::timestamptz)");

      assertThat(dropped).isEqualTo(3);
      assertThat(number(c, "select count(*) from show_chunks('metrics')")).isEqualTo(7);
      assertThat(instant(c, "select min(ts) from metrics"))
          .isEqualTo(Instant.parse("2026-01-04T00:00:00Z"));

      s.execute(
          "alter table metrics set (timescaledb.compress, timescaledb.compress_segmentby = 'device')");
      s.execute(
          "select compress_chunk(c) from show_chunks('metrics', older_than => '2026-01-06 00:00+00'::timestamptz) c");

      assertThat(
              number(
                  c,
                  "select count(*) from timescaledb_information.chunks"
                      + " where hypertable_name = 'metrics' and is_compressed"))
          .isEqualTo(2);
      assertThat(number(c, "select count(*) from metrics")).isEqualTo(7 * 24);
    }
  }

  @Test
  void add_job_stores_the_time_zone_and_a_next_start_alter_job_and_delete_job_change_it()
      throws Exception {
    try (Connection c = connect(server);
        Statement s = c.createStatement()) {
      createLoggingProcedure(s, "tick");

      int berlin =
          (int)
              number(
                  c,
                  "select add_job('tick', '1 hour', config => '{}',"
                      + " initial_start => '2027-03-28 01:30:00+01', fixed_schedule => true,"
                      + " timezone => 'Europe/Berlin')");
      int daily =
          (int)
              number(
                  c,
                  "select add_job('tick', '1 day', initial_start => '2027-01-31 10:00:00+00',"
                      + " fixed_schedule => false)");

      assertThat(berlin).isGreaterThanOrEqualTo(1000);
      assertThat(recorded("add_job 1 hour fixed Europe/Berlin", c, berlin))
          .isEqualTo(Instant.parse("2027-03-28T00:30:00Z"));
      assertThat(recorded("add_job 1 day not fixed", c, daily))
          .isEqualTo(Instant.parse("2027-01-31T10:00:00Z"));
      assertThat(text(c, "select timezone from _timescaledb_config.bgw_job where id = " + berlin))
          .isEqualTo("Europe/Berlin");
      assertThat(
              text(
                  c,
                  "select config::text from timescaledb_information.jobs where job_id = " + berlin))
          .isEqualTo("{}");

      // Without initial_start a job starts at once: next_start is the wall clock when add_job ran
      // (not the transaction's now()).
      Instant before = instant(c, "select clock_timestamp()");
      int immediate = (int) number(c, "select add_job('tick', '5 minutes')");
      Instant after = instant(c, "select clock_timestamp()");
      assertThat(recorded("add_job 5 minutes without initial_start", c, immediate))
          .isBetween(before, after);

      // An initial_start in the past is kept as next_start, not moved to the next slot.
      int past =
          (int)
              number(
                  c,
                  "select add_job('tick', '1 hour', initial_start => '2020-01-01 00:00+00',"
                      + " timezone => 'Europe/Berlin')");
      assertThat(recorded("add_job 1 hour initial_start in the past", c, past))
          .isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));

      // alter_job with a new initial_start moves a fixed-schedule job's next_start to the first
      // slot after now; a job that is not on a fixed schedule and never ran gets -infinity.
      int fixedDaily =
          (int)
              number(
                  c, "select add_job('tick', '1 day', initial_start => '2027-01-31 10:00:00+00')");
      before = instant(c, "select clock_timestamp()");
      s.execute(
          "select alter_job("
              + fixedDaily
              + ", schedule_interval => '1 day', initial_start => '2020-01-01 10:00+00')");
      Instant realigned =
          recorded("alter_job fixed 1 day, initial_start 2020-01-01 10:00Z", c, fixedDaily);
      assertThat(realigned)
          .isAfter(before)
          .isBefore(before.plus(Duration.ofDays(1)).plusSeconds(1));
      assertThat(OffsetDateTime.ofInstant(realigned, ZoneOffset.UTC).toLocalTime())
          .hasToString("10:00");
      // With a time zone the slots keep their local time across daylight saving changes:
      // 10:00 in Berlin, which is 08:00Z in summer and 09:00Z in winter.
      int berlinDaily =
          (int)
              number(
                  c,
                  "select add_job('tick', '1 day', initial_start => '2027-01-31 10:00:00+00',"
                      + " timezone => 'Europe/Berlin')");
      s.execute(
          "select alter_job("
              + berlinDaily
              + ", schedule_interval => '1 day', initial_start => '2020-07-01 10:00+02',"
              + " timezone => 'Europe/Berlin')");
      Instant berlinSlot =
          recorded(
              "alter_job fixed 1 day Europe/Berlin, initial_start 2020-07-01 10:00+02",
              c,
              berlinDaily);
      assertThat(berlinSlot.atZone(ZoneId.of("Europe/Berlin")).toLocalTime()).hasToString("10:00");
      s.execute(
          "select alter_job("
              + daily
              + ", schedule_interval => '1 day', initial_start => '2020-01-01 10:00+00')");
      assertThat(nextStartText(c, daily)).isEqualTo("-infinity");
      System.out.println(
          "TimescaleDB next_start for alter_job not fixed 1 day, initial_start 2020-01-01 10:00Z"
              + " (never ran): -infinity");
      assertThat(
              text(
                  c,
                  "select schedule_interval::text from timescaledb_information.jobs"
                      + " where job_id = "
                      + daily))
          .isEqualTo("1 day");

      // alter_job with only a new interval, on a fixed-schedule job that never ran: -infinity.
      s.execute("select alter_job(" + berlin + ", schedule_interval => '2 hours')");
      assertThat(
              text(
                  c,
                  "select next_start::text from timescaledb_information.jobs where job_id = "
                      + berlin))
          .isEqualTo("-infinity");
      System.out.println("TimescaleDB next_start after alter_job 2 hours (never ran): -infinity");
      // ... and alter_job without timezone clears the stored time zone (TimescaleDB 2.23).
      assertThat(text(c, "select timezone from _timescaledb_config.bgw_job where id = " + berlin))
          .isNull();

      s.execute(
          "select alter_job("
              + berlin
              + ", next_start => '2027-06-01 00:00+00', timezone => 'Europe/Berlin')");
      assertThat(nextStart(c, berlin)).isEqualTo(Instant.parse("2027-06-01T00:00:00Z"));
      assertThat(text(c, "select timezone from _timescaledb_config.bgw_job where id = " + berlin))
          .isEqualTo("Europe/Berlin");

      s.execute("select delete_job(" + berlin + ")");
      assertThat(
              number(
                  c, "select count(*) from timescaledb_information.jobs where job_id = " + berlin))
          .isZero();
      for (int job : new int[] {daily, immediate, past, fixedDaily, berlinDaily}) {
        s.execute("select delete_job(" + job + ")");
      }
    }
  }

  @Test
  void run_job_runs_the_procedure_in_the_foreground_with_its_id_and_config() throws Exception {
    try (Connection c = connect(server);
        Statement s = c.createStatement()) {
      createLoggingProcedure(s, "record_run");
      int job =
          (int)
              number(
                  c,
                  "select add_job('record_run', '1 day', config => '{\"tenant\": \"t1\"}',"
                      + " initial_start => '2030-01-01 00:00+00')");

      s.execute("call run_job(" + job + ")");

      assertThat(text(c, "select job || ' ' || (cfg->>'tenant') from record_run_log order by at"))
          .isEqualTo(job + " t1");
      s.execute("select delete_job(" + job + ")");
    }
  }

  @Test
  void a_second_connection_waits_for_the_first_and_gets_a_fresh_session() throws Exception {
    Connection first = connect(server);
    CompletableFuture<Connection> second;
    try (Statement s = first.createStatement()) {
      s.execute("set application_name = 'first'");
      s.execute("create table if not exists waiting_room (n int)");
      first.setAutoCommit(false);
      s.execute("insert into waiting_room values (1)");
      // Past pgjdbc's prepareThreshold (5) the statement is prepared on the server as S_1; a
      // second client that inherited it would fail with "prepared statement S_1 already exists".
      usePreparedStatement(first, 6);

      second = CompletableFuture.supplyAsync(() -> connectUnchecked(server));
      Thread.sleep(1000); // the only way to see that it does not connect while the first is open
      assertThat(second).isNotDone();
    } finally {
      first.close(); // without commit: the insert must be rolled back
    }
    try (Connection c = second.get(10, TimeUnit.SECONDS)) {
      assertThat(text(c, "show application_name")).isNotEqualTo("first");
      assertThat(number(c, "select count(*) from waiting_room")).isZero();
      usePreparedStatement(c, 6);
    }
  }

  @Test
  void a_second_connection_fails_with_too_many_connections_when_the_first_stays_open(
      @TempDir Path dir) throws Exception {
    try (TimescaleServer impatient =
            TimescaleServer.start(
                new TimescaleServer.Options(
                    dir, false, Duration.ofSeconds(90), Duration.ofMillis(500)));
        Connection first = connect(impatient)) {
      assertThatThrownBy(() -> connect(impatient))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("one connection at a time")
          .extracting(e -> ((SQLException) e).getSQLState())
          .isEqualTo("53300");
      assertThat(number(first, "select 1")).isEqualTo(1);
    }
  }

  @Test
  void a_persistent_database_survives_a_restart_and_close_leaves_no_node_process(@TempDir Path dir)
      throws Exception {
    long pid;
    try (TimescaleServer first =
            TimescaleServer.start(new TimescaleServer.Options(dir, true, null, null));
        Connection c = connect(first);
        Statement s = c.createStatement()) {
      pid = first.pid();
      s.execute("create table kept (ts timestamptz not null)");
      s.execute("select create_hypertable('kept', by_range('ts'))");
      s.execute("insert into kept values (now())");
    }
    assertThat(ProcessHandle.of(pid)).isEmpty();
    assertThat(TestFiles.processesMentioning(dir.toString())).isEmpty();

    try (TimescaleServer again =
            TimescaleServer.start(new TimescaleServer.Options(dir, true, null, null));
        Connection c = connect(again)) {
      assertThat(number(c, "select count(*) from kept")).isEqualTo(1);
      assertThat(
              number(
                  c,
                  "select count(*) from timescaledb_information.hypertables"
                      + " where hypertable_name = 'kept'"))
          .isEqualTo(1);
      pid = again.pid();
    }
    assertThat(logOf(dir)).contains("SIGTERM: stopping", "stopped");
    assertThat(ProcessHandle.of(pid)).isEmpty();
  }

  private static String logOf(Path dir) throws Exception {
    return Files.readString(dir.resolve("timescaledb.log"));
  }

  private static void createLoggingProcedure(Statement s, String name) throws SQLException {
    s.execute(
        "create table "
            + name
            + "_log (at timestamptz not null default clock_timestamp(), job int, cfg jsonb)");
    s.execute(
        "create procedure "
            + name
            + "(job_id int, config jsonb) language plpgsql as $$"
            + " begin insert into "
            + name
            + "_log (job, cfg) values (job_id, config); end $$");
  }

  private static void usePreparedStatement(Connection c, int times) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("select ?::int + 1")) {
      for (int i = 0; i < times; i++) {
        p.setInt(1, i);
        try (ResultSet rows = p.executeQuery()) {
          rows.next();
          assertThat(rows.getInt(1)).isEqualTo(i + 1);
        }
      }
    }
  }

  private static Instant recorded(String what, Connection c, int job) throws SQLException {
    Instant next = nextStart(c, job);
    System.out.println("TimescaleDB next_start for " + what + ": " + next);
    return next;
  }

  private static Instant nextStart(Connection c, int job) throws SQLException {
    return instant(c, "select next_start from timescaledb_information.jobs where job_id = " + job);
  }

  private static String nextStartText(Connection c, int job) throws SQLException {
    return text(
        c, "select next_start::text from timescaledb_information.jobs where job_id = " + job);
  }

  private static Connection connect(TimescaleServer server) throws SQLException {
    return DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
  }

  private static Connection connectUnchecked(TimescaleServer server) {
    try {
      return connect(server);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String text(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rows = s.executeQuery(sql)) {
      assertThat(rows.next()).as("a row from: %s", sql).isTrue();
      return rows.getString(1);
    }
  }

  private static long number(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rows = s.executeQuery(sql)) {
      assertThat(rows.next()).as("a row from: %s", sql).isTrue();
      return rows.getLong(1);
    }
  }

  private static Instant instant(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rows = s.executeQuery(sql)) {
      assertThat(rows.next()).as("a row from: %s", sql).isTrue();
      OffsetDateTime value = rows.getObject(1, OffsetDateTime.class);
      return value == null ? null : value.toInstant();
    }
  }
}
