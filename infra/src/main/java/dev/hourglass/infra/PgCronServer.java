package dev.hourglass.infra;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A private PostgreSQL 15 cluster with the pg_cron extension (1.4, from the Debian package {@code
 * postgresql-15-cron}), for the tests and benchmarks of Hourglass's pg_cron support. pg_cron is a
 * preloaded library with a background scheduler, so it cannot be added to the embedded {@link
 * ZonkyPostgres} or to a shared server: each instance runs its own cluster, from {@code initdb} in
 * a fresh temporary directory, on a free port of 127.0.0.1.
 *
 * <p>The cluster is throw-away: {@code fsync}, {@code synchronous_commit} and {@code
 * full_page_writes} are off, which makes DDL and commits fast and loses data only when the machine
 * crashes. Every local connection is trusted ({@code pg_hba.conf}: unix socket and 127.0.0.1); the
 * superuser is {@code postgres}. pg_cron lives in the database {@value #CRON_DATABASE} ({@code
 * cron.database_name}), where {@code CREATE EXTENSION pg_cron} has run when {@link #start()}
 * returns; {@code cron.schedule_in_database} runs jobs in any other database. pg_cron 1.4 runs jobs
 * at minute granularity, so a test that waits for a run waits up to a minute.
 *
 * <p>PostgreSQL refuses to run as root. Started by root, {@code initdb}, {@code postgres} and
 * {@code pg_ctl} run as the OS user {@value #OS_USER} (through {@code setpriv}), which then owns
 * the directory; otherwise they run as the current user. {@link #close()} stops the server ({@code
 * pg_ctl stop -m fast}) and deletes the directory; a JVM shutdown hook does the same for a test run
 * that dies without closing it.
 */
public final class PgCronServer implements PostgresServer {

  /** Where Debian's postgresql-15 package puts initdb, pg_ctl and postgres. */
  public static final Path DEFAULT_BIN_DIR = Path.of("/usr/lib/postgresql/15/bin");

  /** The database pg_cron's metadata ({@code cron.job}, {@code cron.job_run_details}) lives in. */
  public static final String CRON_DATABASE = "postgres";

  /** Superuser created by initdb; connections are trusted, so any password works. */
  public static final String USER = "postgres";

  /** The OS user PostgreSQL runs as when the JVM runs as root. */
  static final String OS_USER = "postgres";

  private static final String INSTALL_HINT =
      " Install pg_cron for PostgreSQL 15 (Debian/Ubuntu: apt-get install postgresql-15-cron,"
          + " which brings postgresql-15 too).";
  private static final Duration INITDB_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  /** Server settings that must not leak from the caller's environment into the cluster. */
  private static final List<String> PG_VARIABLES =
      List.of(
          "PGDATA", "PGHOST", "PGHOSTADDR", "PGPORT", "PGUSER", "PGDATABASE", "PGOPTIONS", "PGTZ");

  /**
   * @param binDir the directory holding initdb, pg_ctl and postgres; pg_cron.so is expected in
   *     {@code binDir/../lib} (the layout of the Debian and PGDG packages). Null means {@link
   *     #DEFAULT_BIN_DIR}
   * @param maxConnections {@code max_connections}: a benchmark opens many, and without background
   *     workers every running job takes one too
   * @param maxRunningJobs {@code cron.max_running_jobs}, how many jobs pg_cron runs at once
   * @param useBackgroundWorkers {@code cron.use_background_workers}: on, jobs run in background
   *     workers ({@code max_worker_processes} is raised to fit); off, pg_cron opens a libpq
   *     connection to 127.0.0.1 per job, as on servers that do not allow it background workers
   * @param startTimeout how long the start may take, initdb not included; null means 60 s
   */
  public record Options(
      Path binDir,
      int maxConnections,
      int maxRunningJobs,
      boolean useBackgroundWorkers,
      Duration startTimeout) {
    public Options {
      binDir = binDir == null ? DEFAULT_BIN_DIR : binDir.toAbsolutePath();
      startTimeout = startTimeout == null ? Duration.ofSeconds(60) : startTimeout;
      if (maxConnections < 10) {
        throw new IllegalArgumentException("maxConnections must be at least 10: " + maxConnections);
      }
      if (maxRunningJobs < 1 || maxRunningJobs >= maxConnections) {
        throw new IllegalArgumentException(
            "maxRunningJobs must be between 1 and maxConnections - 1 ("
                + (maxConnections - 1)
                + "): "
                + maxRunningJobs);
      }
    }

    /** 300 connections, 32 jobs at once, background workers, PostgreSQL from DEFAULT_BIN_DIR. */
    public static Options defaults() {
      return new Options(null, 300, 32, true, null);
    }

    public Options withBinDir(Path dir) {
      return new Options(dir, maxConnections, maxRunningJobs, useBackgroundWorkers, startTimeout);
    }

    public Options withMaxConnections(int count) {
      return new Options(binDir, count, maxRunningJobs, useBackgroundWorkers, startTimeout);
    }

    public Options withMaxRunningJobs(int count) {
      return new Options(binDir, maxConnections, count, useBackgroundWorkers, startTimeout);
    }

    public Options withBackgroundWorkers(boolean on) {
      return new Options(binDir, maxConnections, maxRunningJobs, on, startTimeout);
    }

    public Options withStartTimeout(Duration timeout) {
      return new Options(binDir, maxConnections, maxRunningJobs, useBackgroundWorkers, timeout);
    }

    /**
     * pg_cron takes one worker per running job, its scheduler one more, and parallel queries draw
     * from the same pool.
     */
    int maxWorkerProcesses() {
      return Math.max(64, maxRunningJobs + 16);
    }
  }

  private final Options options;
  private final Path directory;
  private final List<String> runAs;
  private final ChildProcess process;
  private final int port;
  private final Thread shutdownHook;
  private final AtomicBoolean closed = new AtomicBoolean();

  private PgCronServer(
      Options options, Path directory, List<String> runAs, ChildProcess process, int port) {
    this.options = options;
    this.directory = directory;
    this.runAs = runAs;
    this.process = process;
    this.port = port;
    // A test run that dies without closing its fixtures must not leave a postmaster running.
    this.shutdownHook = new Thread(this::stopAndDelete, "stop-pg-cron-" + port);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** A cluster with {@link Options#defaults()}. */
  public static PgCronServer start() {
    return start(Options.defaults());
  }

  /**
   * Runs initdb in a new temporary directory, starts PostgreSQL on a free port of 127.0.0.1 and
   * creates the pg_cron extension in {@value #CRON_DATABASE}. Takes about a second.
   *
   * @throws ServiceStartException when PostgreSQL 15 or pg_cron is not installed, or the server
   *     does not come up; the message says what to install or quotes the server's log
   */
  public static PgCronServer start(Options options) {
    Objects.requireNonNull(options, "options");
    Path bin = options.binDir();
    requireInstalled(bin);
    List<String> runAs = runAsPrefix();
    Path directory;
    try {
      directory = Files.createTempDirectory("hourglass-pgcron-").toRealPath();
    } catch (IOException e) {
      throw new ServiceStartException(
          "Could not create a temporary directory for PostgreSQL: " + e.getMessage(), e);
    }
    ChildProcess process = null;
    try {
      if (!runAs.isEmpty()) {
        Files.setOwner(directory, osUser());
      }
      Path data = directory.resolve("data");
      initdb(bin, runAs, directory, data);
      int port = FreePorts.pick();
      configure(options, directory, data, port);
      List<String> command = new ArrayList<>(runAs);
      command.addAll(List.of(bin.resolve("postgres").toString(), "-D", data.toString()));
      process =
          ChildProcess.start(
              "PostgreSQL 15 with pg_cron",
              command,
              Map.of(),
              PG_VARIABLES,
              directory,
              directory.resolve("postgres.log"));
      String url = "jdbc:postgresql://127.0.0.1:" + port + "/" + CRON_DATABASE;
      process.awaitReady(options.startTimeout(), () -> accepts(url));
      createExtension(url);
      return new PgCronServer(options, directory, runAs, process, port);
    } catch (IOException | RuntimeException e) {
      if (process != null) {
        process.close();
      }
      Directories.deleteRecursively(directory);
      if (e instanceof ServiceStartException started) {
        throw started;
      }
      throw new ServiceStartException(
          "Could not start PostgreSQL 15 with pg_cron in " + directory + ": " + e.getMessage(), e);
    }
  }

  private static void requireInstalled(Path bin) {
    for (String program : List.of("initdb", "pg_ctl", "postgres")) {
      if (!Files.isExecutable(bin.resolve(program))) {
        throw new ServiceStartException(
            "PostgreSQL 15 is not installed: there is no "
                + bin.resolve(program)
                + "."
                + INSTALL_HINT);
      }
    }
    Path library = bin.resolveSibling("lib").resolve("pg_cron.so");
    if (!Files.isRegularFile(library)) {
      throw new ServiceStartException(
          "pg_cron is not installed for the PostgreSQL in "
              + bin
              + ": there is no "
              + library
              + "."
              + INSTALL_HINT);
    }
  }

  /**
   * Empty when PostgreSQL may run as the current user; as root, {@code setpriv} to {@value
   * #OS_USER}, which execs the program (no extra process in between, unlike su and runuser).
   */
  private static List<String> runAsPrefix() {
    if (new UnixSystem().getUid() != 0) {
      return List.of();
    }
    osUser();
    if (!Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
      throw new ServiceStartException(
          "Running as root, PostgreSQL must be started as the OS user "
              + OS_USER
              + " with /usr/bin/setpriv, which is missing. Install util-linux, or run the tests"
              + " as another user.");
    }
    return List.of(
        "/usr/bin/setpriv", "--reuid=" + OS_USER, "--regid=" + OS_USER, "--init-groups", "--");
  }

  private static UserPrincipal osUser() {
    try {
      return Path.of("/")
          .getFileSystem()
          .getUserPrincipalLookupService()
          .lookupPrincipalByName(OS_USER);
    } catch (UserPrincipalNotFoundException e) {
      throw new ServiceStartException(
          "PostgreSQL refuses to run as root, and there is no OS user "
              + OS_USER
              + " to run it as. The postgresql-15 package creates it (apt-get install"
              + " postgresql-15-cron), or run the tests as another user.",
          e);
    } catch (IOException e) {
      throw new ServiceStartException("Could not look up the OS user " + OS_USER, e);
    }
  }

  private static void initdb(Path bin, List<String> runAs, Path directory, Path data)
      throws IOException {
    List<String> command = new ArrayList<>(runAs);
    command.addAll(
        List.of(
            bin.resolve("initdb").toString(),
            "--pgdata=" + data,
            "--username=" + USER,
            "--auth=trust",
            "--encoding=UTF8",
            // C: the same sorting on every machine, and no dependency on generated locales.
            "--locale=C",
            "--no-sync",
            "--no-instructions"));
    ChildProcess initdb =
        ChildProcess.start(
            "initdb", command, Map.of(), PG_VARIABLES, directory, directory.resolve("initdb.log"));
    try {
      if (!initdb.waitFor(INITDB_TIMEOUT)) {
        throw new ServiceStartException(
            "initdb took longer than " + INITDB_TIMEOUT.toSeconds() + " s." + initdb.tail());
      }
      if (initdb.exitCode() != 0) {
        throw new ServiceStartException(
            "initdb failed with exit code " + initdb.exitCode() + "." + initdb.tail());
      }
    } finally {
      initdb.close();
    }
  }

  /** Appends this cluster's settings to postgresql.conf and trusts only local connections. */
  private static void configure(Options options, Path directory, Path data, int port)
      throws IOException {
    String settings =
        String.join(
            "\n",
            "",
            "# Added by dev.hourglass.infra.PgCronServer: a throw-away cluster for tests.",
            "listen_addresses = '127.0.0.1'",
            "port = " + port,
            "unix_socket_directories = '" + directory + "'",
            "max_connections = " + options.maxConnections(),
            "shared_preload_libraries = 'pg_cron'",
            "cron.database_name = '" + CRON_DATABASE + "'",
            "cron.use_background_workers = " + (options.useBackgroundWorkers() ? "on" : "off"),
            "max_worker_processes = " + options.maxWorkerProcesses(),
            "cron.max_running_jobs = " + options.maxRunningJobs(),
            "# Without background workers pg_cron connects to this address for every job.",
            "cron.host = '127.0.0.1'",
            "cron.log_run = on",
            "cron.log_statement = off",
            "# The data is thrown away on close: durability would only slow the tests down.",
            "fsync = off",
            "synchronous_commit = off",
            "full_page_writes = off",
            "");
    Files.writeString(data.resolve("postgresql.conf"), settings, StandardOpenOption.APPEND);
    // Truncating keeps the file's owner (the OS user postgres when started by root).
    Files.writeString(
        data.resolve("pg_hba.conf"),
        String.join(
            "\n",
            "# Written by dev.hourglass.infra.PgCronServer: only this machine can connect.",
            "local all all trust",
            "host all all 127.0.0.1/32 trust",
            ""),
        StandardOpenOption.TRUNCATE_EXISTING);
  }

  private static boolean accepts(String url) {
    try (Connection ignored = DriverManager.getConnection(url, connectProperties())) {
      return true;
    } catch (SQLException starting) {
      // "the database system is starting up", or not listening yet.
      return false;
    }
  }

  private static Properties connectProperties() {
    Properties properties = new Properties();
    properties.setProperty("user", USER);
    properties.setProperty("connectTimeout", "2");
    return properties;
  }

  /** The scheduler waits for the extension; it schedules jobs as soon as it exists. */
  private static void createExtension(String url) {
    try (Connection c = DriverManager.getConnection(url, connectProperties());
        Statement s = c.createStatement()) {
      s.execute("CREATE EXTENSION IF NOT EXISTS pg_cron");
    } catch (SQLException e) {
      throw new ServiceStartException(
          "CREATE EXTENSION pg_cron failed: " + e.getMessage() + "." + INSTALL_HINT, e);
    }
  }

  @Override
  public int port() {
    return port;
  }

  /** {@code jdbc:postgresql://127.0.0.1:PORT/database}. */
  @Override
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  @Override
  public String user() {
    return USER;
  }

  /** Connections are trusted; any password works, this one keeps configs non-empty. */
  @Override
  public String password() {
    return USER;
  }

  @Override
  public String adminDatabase() {
    return CRON_DATABASE;
  }

  /**
   * The database pg_cron lives in: schedule jobs here ({@code cron.schedule}, or {@code
   * cron.schedule_in_database} for another database) and read {@code cron.job} and {@code
   * cron.job_run_details} here.
   */
  public String cronDatabase() {
    return CRON_DATABASE;
  }

  /** The installed extension's version, e.g. {@code 1.4-1}. */
  public String pgCronVersion() {
    try (Connection c = connect(CRON_DATABASE);
        Statement s = c.createStatement();
        ResultSet rows =
            s.executeQuery("SELECT extversion FROM pg_extension WHERE extname = 'pg_cron'")) {
      if (!rows.next()) {
        throw new IllegalStateException("pg_cron is not installed in " + CRON_DATABASE);
      }
      return rows.getString(1);
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read pg_cron's version: " + e.getMessage(), e);
    }
  }

  public Options options() {
    return options;
  }

  /** Holds the data directory, the unix socket and the logs; deleted by {@link #close()}. */
  public Path directory() {
    return directory;
  }

  /** The server's log; pg_cron logs each job start and end there. */
  public Path logFile() {
    return process.logFile();
  }

  public String logTail() {
    return ChildProcess.lastLines(process.logFile(), ChildProcess.TAIL_LINES);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The postmaster's PID. */
  long pid() {
    return process.pid();
  }

  /** Stops the server and deletes its directory, data and logs included. */
  @Override
  public void close() {
    stopAndDelete();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // close() called from another shutdown hook: ours runs anyway and finds nothing to do.
    }
  }

  private void stopAndDelete() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      stop();
    } finally {
      Directories.deleteRecursively(directory);
    }
  }

  /**
   * A fast shutdown ends the sessions and pg_cron's jobs at once; the default (smart) one, which a
   * plain SIGTERM asks for, would wait for every client to disconnect. Signals from outside
   * (destroy) are the fallback when pg_ctl cannot stop it.
   */
  private void stop() {
    if (process.isAlive()) {
      List<String> command = new ArrayList<>(runAs);
      command.addAll(
          List.of(
              options.binDir().resolve("pg_ctl").toString(),
              "stop",
              "--pgdata=" + directory.resolve("data"),
              "--mode=fast",
              "--wait",
              "--timeout=" + STOP_TIMEOUT.toSeconds()));
      try {
        ChildProcess pgCtl =
            ChildProcess.start(
                "pg_ctl stop",
                command,
                Map.of(),
                PG_VARIABLES,
                directory,
                directory.resolve("pg_ctl-stop.log"));
        try {
          pgCtl.waitFor(STOP_TIMEOUT.plusSeconds(5));
        } finally {
          pgCtl.close();
        }
        process.waitFor(Duration.ofSeconds(5));
      } catch (IOException | RuntimeException e) {
        // Falls through to the forced stop below.
      }
    }
    process.close();
  }
}
