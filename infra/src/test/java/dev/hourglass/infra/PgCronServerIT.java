package dev.hourglass.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real PostgreSQL 15 with pg_cron 1.4 (package postgresql-15-cron). pg_cron runs jobs at minute
 * granularity, so the test that waits for runs takes up to a minute.
 */
class PgCronServerIT {

  private static final Duration RUN_WAIT = Duration.ofSeconds(75);

  private static PgCronServer server;

  @BeforeAll
  static void start() {
    server = PgCronServer.start();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void pg_cron_1_4_is_preloaded_and_the_server_is_configured_as_asked() throws Exception {
    assertThat(server.pgCronVersion()).startsWith("1.4");
    assertThat(server.cronDatabase()).isEqualTo("postgres");
    assertThat(server.jdbcUrl("x"))
        .isEqualTo("jdbc:postgresql://127.0.0.1:" + server.port() + "/x");
    try (Connection c = server.connect(server.cronDatabase())) {
      assertThat(text(c, "show server_version")).startsWith("15.");
      assertThat(text(c, "show shared_preload_libraries")).isEqualTo("pg_cron");
      assertThat(text(c, "show cron.database_name")).isEqualTo("postgres");
      assertThat(text(c, "show cron.use_background_workers")).isEqualTo("on");
      assertThat(text(c, "show cron.max_running_jobs")).isEqualTo("32");
      assertThat(text(c, "show max_worker_processes")).isEqualTo("64");
      assertThat(text(c, "show max_connections")).isEqualTo("300");
      assertThat(text(c, "show cron.log_run")).isEqualTo("on");
      assertThat(text(c, "show cron.log_statement")).isEqualTo("off");
      assertThat(text(c, "show fsync")).isEqualTo("off");
      assertThat(text(c, "show listen_addresses")).isEqualTo("127.0.0.1");
      assertThat(text(c, "show unix_socket_directories")).isEqualTo(server.directory().toString());
      assertThat(text(c, "select rolsuper::text from pg_roles where rolname = current_user"))
          .isEqualTo("true");
    }
    assertThat(TestFiles.listeningAddresses(server.pid()))
        .isNotEmpty()
        .allMatch(address -> address.equals("127.0.0.1:" + server.port()));
    if ("root".equals(System.getProperty("user.name"))) {
      // PostgreSQL refuses root; the server runs as the OS user postgres instead.
      assertThat(ProcessHandle.of(server.pid()).flatMap(p -> p.info().user())).contains("postgres");
    }
  }

  @Test
  void schedule_in_database_stores_the_job_in_cron_job_and_unschedule_removes_it()
      throws Exception {
    String database = server.createDatabase("t");
    assertThat(database).matches("t_[a-z0-9]{8}");
    try (Connection target = server.connect(database);
        Statement s = target.createStatement()) {
      s.execute("create table ticks (at timestamptz not null)");
    }
    try (Connection cron = server.connect(server.cronDatabase())) {
      long job =
          number(
              cron,
              "select cron.schedule_in_database('job', '* * * * *',"
                  + " 'insert into ticks values (now())', '"
                  + database
                  + "')");

      assertThat(
              text(
                  cron,
                  "select jobname || '|' || schedule || '|' || command || '|' || database"
                      + " || '|' || username || '|' || active from cron.job where jobid = "
                      + job))
          .isEqualTo(
              "job|* * * * *|insert into ticks values (now())|" + database + "|postgres|true");

      assertThat(text(cron, "select cron.unschedule(" + job + ")::text")).isEqualTo("true");
      assertThat(number(cron, "select count(*) from cron.job where jobid = " + job)).isZero();
    }
  }

  @Test
  void pg_cron_runs_jobs_in_background_workers_and_over_libpq_connections() throws Exception {
    try (PgCronServer libpq =
        PgCronServer.start(
            PgCronServer.Options.defaults()
                .withBackgroundWorkers(false)
                .withMaxConnections(40)
                .withMaxRunningJobs(4))) {
      try (Connection c = libpq.connect(libpq.cronDatabase())) {
        assertThat(text(c, "show cron.use_background_workers")).isEqualTo("off");
        assertThat(text(c, "show cron.max_running_jobs")).isEqualTo("4");
      }
      List<ScheduledJob> jobs = new ArrayList<>();
      for (PgCronServer each : List.of(server, libpq)) {
        jobs.add(scheduleEveryMinute(each));
      }
      try (Connection c = libpq.connect(libpq.cronDatabase())) {
        // Without background workers pg_cron connects to the job's node, cron.host.
        assertThat(text(c, "select nodename from cron.job where jobid = " + jobs.get(1).id()))
            .isEqualTo("127.0.0.1");
      }

      long deadline = System.nanoTime() + RUN_WAIT.toNanos();
      for (ScheduledJob job : jobs) {
        awaitSucceededRun(job, deadline);
        try (Connection target = job.server().connect(job.database())) {
          assertThat(number(target, "select count(*) from ticks")).isPositive();
        }
      }
    }
  }

  @Test
  void close_stops_the_server_deletes_its_directory_and_frees_its_port() throws Exception {
    PgCronServer own = PgCronServer.start();
    Path directory = own.directory();
    int port = own.port();
    long pid = own.pid();
    assertThat(directory).isDirectory();
    assertThat(Files.exists(directory.resolve("data/postmaster.pid"))).isTrue();
    assertThat(FreePorts.isFree(port)).isFalse();

    own.close();
    own.close(); // a second close does nothing

    assertThat(directory).doesNotExist();
    assertThat(ProcessHandle.of(pid)).isEmpty();
    assertThat(TestFiles.processesMentioning(directory.toString())).isEmpty();
    assertThat(FreePorts.isFree(port)).isTrue();
    assertThat(own.isAlive()).isFalse();
  }

  @Test
  void a_missing_postgresql_or_pg_cron_is_reported_with_what_to_install(@TempDir Path dir)
      throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty/bin"));
    assertThatThrownBy(() -> PgCronServer.start(PgCronServer.Options.defaults().withBinDir(empty)))
        .isInstanceOf(ServiceStartException.class)
        .hasMessageContaining("PostgreSQL 15 is not installed")
        .hasMessageContaining("apt-get install postgresql-15-cron");

    // The PostgreSQL 15 programs, but no lib/pg_cron.so beside them.
    Path bin = Files.createDirectories(dir.resolve("nocron/bin"));
    for (String program : List.of("initdb", "pg_ctl", "postgres")) {
      Files.createSymbolicLink(bin.resolve(program), PgCronServer.DEFAULT_BIN_DIR.resolve(program));
    }
    assertThatThrownBy(() -> PgCronServer.start(PgCronServer.Options.defaults().withBinDir(bin)))
        .isInstanceOf(ServiceStartException.class)
        .hasMessageContaining("pg_cron is not installed")
        .hasMessageContaining(dir.resolve("nocron/lib/pg_cron.so").toString())
        .hasMessageContaining("apt-get install postgresql-15-cron");
  }

  @Test
  void options_refuse_more_running_jobs_than_connections() {
    assertThatThrownBy(() -> PgCronServer.Options.defaults().withMaxRunningJobs(300))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxRunningJobs");
  }

  private record ScheduledJob(PgCronServer server, String database, long id) {}

  /** A job inserting into {@code ticks} of a new database every minute. */
  private static ScheduledJob scheduleEveryMinute(PgCronServer on) throws SQLException {
    String database = on.createDatabase("t");
    try (Connection target = on.connect(database);
        Statement s = target.createStatement()) {
      s.execute("create table ticks (at timestamptz not null)");
    }
    try (Connection cron = on.connect(on.cronDatabase())) {
      long id =
          number(
              cron,
              "select cron.schedule_in_database('tick', '* * * * *',"
                  + " 'insert into ticks values (now())', '"
                  + database
                  + "')");
      return new ScheduledJob(on, database, id);
    }
  }

  private static void awaitSucceededRun(ScheduledJob job, long deadline) throws Exception {
    String runs =
        "select count(*) filter (where status = 'succeeded'),"
            + " string_agg(status || ': ' || coalesce(return_message, ''), '; ')"
            + " from cron.job_run_details where jobid = "
            + job.id();
    while (true) {
      try (Connection cron = job.server().connect(job.server().cronDatabase());
          Statement s = cron.createStatement();
          ResultSet rows = s.executeQuery(runs)) {
        rows.next();
        String seen = rows.getString(2);
        if (seen != null && seen.contains("failed")) {
          fail("pg_cron job " + job + " failed: " + seen + "\n" + job.server().logTail());
        }
        if (rows.getLong(1) > 0) {
          return;
        }
        if (System.nanoTime() > deadline) {
          fail(
              "pg_cron job "
                  + job
                  + " did not succeed within "
                  + RUN_WAIT.toSeconds()
                  + " s; runs: "
                  + seen
                  + "\n"
                  + job.server().logTail());
        }
      }
      Thread.sleep(500);
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
}
