package dev.hourglass.infra;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A real TimescaleDB (2.23, on PostgreSQL 17) for tests: PGlite, PostgreSQL compiled to WebAssembly
 * with TimescaleDB built in, run by Node from {@code infra/timescale/server.mjs} and served over
 * the PostgreSQL wire protocol on 127.0.0.1. Why PGlite and not a TimescaleDB package or image:
 * docs/decisions/0010-20261126-timescaledb-for-tests.md.
 *
 * <p><b>One connection at a time.</b> PGlite is a single PostgreSQL backend. A client that connects
 * while another is connected waits until that one disconnects (up to {@link Options#connectWait()},
 * 10 s by default), then gets the backend with the previous session rolled back and reset ({@code
 * DISCARD ALL}); a client still waiting then fails with SQLSTATE 53300. So: close each connection
 * before opening the next; a pool must have at most one connection (Hikari: {@code
 * maximumPoolSize=1}), or a second borrower waits for the first one's return. A test that holds a
 * connection and opens a second one fails after the wait, it does not deadlock.
 *
 * <p>Other differences from a TimescaleDB server: no background workers, so TimescaleDB's job
 * scheduler never runs jobs by itself ({@code run_job} does, in the foreground); the database is
 * always the one PGlite created ({@code current_database()} is {@code template1} whatever the URL
 * names); any user name and password are accepted, and the session user is {@code postgres}; the
 * server's time zone is GMT, and the JDBC driver's TimeZone start-up parameter is ignored.
 *
 * <p>The npm packages are installed with {@code npm ci} into {@code infra/timescale/node_modules}
 * the first time they are needed (about 45 MB), and again when {@code package-lock.json} changes.
 * Node 20 or newer and npm must be on the PATH.
 */
public final class TimescaleServer implements AutoCloseable {

  /** Names the infra/timescale directory when it cannot be found from the working directory. */
  public static final String DIR_PROPERTY = "hourglass.timescale.dir";

  public static final String USER = "postgres";
  public static final String PASSWORD = "postgres";

  private static final Duration NPM_TIMEOUT = Duration.ofMinutes(10);
  private static final String STAMP = ".hourglass-installed-lock.sha256";

  /**
   * @param workDir logs, and the data directory when {@code persistent}; created if missing
   * @param persistent keep the database in {@code workDir/data} (reused by the next start there)
   *     rather than in memory
   * @param startTimeout how long the start may take, without the npm install
   * @param connectWait how long a second client waits for the first one to disconnect
   */
  public record Options(
      Path workDir, boolean persistent, Duration startTimeout, Duration connectWait) {
    public Options {
      Objects.requireNonNull(workDir, "workDir");
      startTimeout = startTimeout == null ? Duration.ofSeconds(60) : startTimeout;
      connectWait = connectWait == null ? Duration.ofSeconds(10) : connectWait;
    }
  }

  private final ChildProcess process;
  private final int port;
  private final Thread shutdownHook;
  private final AtomicBoolean closed = new AtomicBoolean();

  private TimescaleServer(ChildProcess process, int port) {
    this.process = process;
    this.port = port;
    // A test run that dies without closing its fixtures must not leave Node running.
    this.shutdownHook = new Thread(process::close, "stop-timescaledb-" + port);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** An in-memory TimescaleDB; its log goes to {@code workDir/timescaledb.log}. */
  public static TimescaleServer start(Path workDir, Duration timeout) {
    return start(new Options(workDir, false, timeout, null));
  }

  public static TimescaleServer start(Options options) {
    Path dir = timescaleDir();
    try {
      Path workDir = Files.createDirectories(options.workDir().toAbsolutePath());
      installPackages(dir, workDir.resolve("npm-ci.log"));
      int port = FreePorts.pick();
      List<String> command = new ArrayList<>();
      command.addAll(
          List.of(
              "node",
              dir.resolve("server.mjs").toString(),
              "--host",
              "127.0.0.1",
              "--port",
              Integer.toString(port),
              "--connect-wait-ms",
              Long.toString(options.connectWait().toMillis())));
      if (options.persistent()) {
        Path data = Files.createDirectories(workDir.resolve("data"));
        command.addAll(List.of("--data-dir", data.toString()));
      }
      ChildProcess process =
          ChildProcess.start(
              "TimescaleDB (PGlite)",
              command,
              Map.of(),
              List.of("HOURGLASS_TSDB_HOST", "HOURGLASS_TSDB_PORT", "HOURGLASS_TSDB_DATA_DIR"),
              dir,
              workDir.resolve("timescaledb.log"));
      String readyLine = "ready on 127.0.0.1:" + port;
      ChildProcess.LogFollower log = process.follow();
      StringBuilder seen = new StringBuilder();
      process.awaitReady(
          options.startTimeout(),
          () -> seen.append(log.newLines()).toString().lines().anyMatch(readyLine::equals));
      return new TimescaleServer(process, port);
    } catch (IOException e) {
      throw new ServiceStartException(
          "Could not start TimescaleDB (PGlite) from "
              + dir
              + ": "
              + e.getMessage()
              + ". It needs Node.js 20 or newer and npm on the PATH (node --version).",
          e);
    }
  }

  /**
   * The infra/timescale directory: from {@value #DIR_PROPERTY}, else the first {@code
   * infra/timescale} found from the working directory upwards (tests of every module run in their
   * module's directory, the launcher in the repository's root).
   */
  static Path timescaleDir() {
    String configured = System.getProperty(DIR_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      Path dir = Path.of(configured).toAbsolutePath();
      if (!Files.isRegularFile(dir.resolve("server.mjs"))) {
        throw new ServiceStartException(
            DIR_PROPERTY + "=" + configured + " has no server.mjs; point it at infra/timescale.");
      }
      return dir;
    }
    Path start = Path.of("").toAbsolutePath();
    for (Path at = start; at != null; at = at.getParent()) {
      Path candidate = at.resolve("infra/timescale");
      if (Files.isRegularFile(candidate.resolve("server.mjs"))) {
        return candidate;
      }
    }
    throw new ServiceStartException(
        "Found no infra/timescale/server.mjs in "
            + start
            + " or above. Run from inside the Hourglass repository, or set -D"
            + DIR_PROPERTY
            + "=/path/to/hourglass/infra/timescale.");
  }

  /**
   * Runs {@code npm ci} unless node_modules was installed from this very package-lock.json. A file
   * lock keeps two test JVMs (say backend's and ui's) from installing into one folder at once.
   */
  static void installPackages(Path dir, Path logFile) throws IOException {
    String lockHash = sha256(dir.resolve("package-lock.json"));
    Path stamp = dir.resolve("node_modules").resolve(STAMP);
    if (isInstalled(stamp, lockHash)) {
      return;
    }
    try (FileChannel channel =
            FileChannel.open(
                dir.resolve(".install.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.lock()) {
      if (isInstalled(stamp, lockHash)) {
        return; // another JVM installed while this one waited
      }
      ChildProcess npm =
          ChildProcess.start(
              "npm ci",
              List.of("npm", "ci", "--no-audit", "--no-fund"),
              Map.of(),
              List.of(),
              dir,
              logFile);
      try {
        if (!npm.waitFor(NPM_TIMEOUT)) {
          throw new ServiceStartException(
              "npm ci in "
                  + dir
                  + " took longer than "
                  + NPM_TIMEOUT.toMinutes()
                  + " min."
                  + npm.tail());
        }
        if (npm.exitCode() != 0) {
          throw new ServiceStartException(
              "npm ci in "
                  + dir
                  + " failed with exit code "
                  + npm.exitCode()
                  + "; is the npm registry reachable?"
                  + npm.tail());
        }
      } finally {
        npm.close();
      }
      Files.writeString(stamp, lockHash + "\n");
    }
  }

  private static boolean isInstalled(Path stamp, String lockHash) throws IOException {
    return Files.isRegularFile(stamp) && Files.readString(stamp).strip().equals(lockHash);
  }

  private static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public String host() {
    return "127.0.0.1";
  }

  public int port() {
    return port;
  }

  /**
   * {@code jdbc:postgresql://127.0.0.1:PORT/postgres?sslmode=disable}. The database name is not
   * checked by PGlite (there is one database); SSL must be off.
   */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + host() + ":" + port + "/postgres?sslmode=disable";
  }

  /** Any user is accepted; the session runs as the superuser {@code postgres} anyway. */
  public String user() {
    return USER;
  }

  /** Any password is accepted. */
  public String password() {
    return PASSWORD;
  }

  public Path logFile() {
    return process.logFile();
  }

  public String logTail() {
    return ChildProcess.lastLines(process.logFile(), ChildProcess.TAIL_LINES);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** Stops Node and everything it started; an in-memory database is gone afterwards. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    process.close();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // close() called from another shutdown hook: ours runs anyway and finds nothing to stop.
    }
  }
}
