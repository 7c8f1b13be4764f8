package dev.hourglass.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * PostgreSQL 14 from zonky's embedded binaries, listening on 127.0.0.1 only. Works as root too:
 * zonky runs the server in a user namespace ({@code unshare -U}) where it is not root.
 */
public final class ZonkyPostgres implements PostgresServer {

  private static final String SUPERUSER = "postgres";

  private final EmbeddedPostgres postgres;
  private final Path logFile;
  private final boolean deleteLogOnClose;

  private ZonkyPostgres(EmbeddedPostgres postgres, Path logFile, boolean deleteLogOnClose) {
    this.postgres = postgres;
    this.logFile = logFile;
    this.deleteLogOnClose = deleteLogOnClose;
  }

  /**
   * Starts a server. With a data directory the data is kept between starts; without one it lives in
   * a temporary directory deleted on {@link #close()}. Server output goes to {@code logFile}, or to
   * a temporary file when that is null.
   */
  public static ZonkyPostgres start(Path dataDirectoryOrNull, int portOr0, Path logFileOrNull) {
    try {
      Path logFile =
          logFileOrNull != null
              ? logFileOrNull
              : Files.createTempFile("hourglass-postgres-", ".log");
      Files.createDirectories(logFile.toAbsolutePath().getParent());
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder()
              .setPort(portOr0 == 0 ? FreePorts.pick() : portOr0)
              .setServerConfig("listen_addresses", "127.0.0.1")
              .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .setPGStartupWait(Duration.ofSeconds(30))
              // Whoever started it stops it, in its own order (DevStack stops the app first).
              .setRegisterShutdownHook(false);
      if (dataDirectoryOrNull != null) {
        Files.createDirectories(dataDirectoryOrNull);
        stopOrphanedServer(dataDirectoryOrNull);
        builder.setDataDirectory(dataDirectoryOrNull).setCleanDataDirectory(false);
      }
      try {
        return new ZonkyPostgres(builder.start(), logFile, logFileOrNull == null);
      } catch (IOException | RuntimeException e) {
        throw new ServiceStartException(
            "Embedded PostgreSQL did not start: "
                + e.getMessage()
                + "."
                + " Last lines of "
                + logFile
                + ":\n"
                + ChildProcess.lastLines(logFile, ChildProcess.TAIL_LINES),
            e);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A launcher that was killed (kill -9, a closed terminal) cannot stop its postmaster, which then
   * holds the data directory. Its PID is the first line of postmaster.pid.
   */
  private static void stopOrphanedServer(Path dataDirectory) throws IOException {
    Path pidFile = dataDirectory.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    Optional<ProcessHandle> orphan =
        Files.readAllLines(pidFile).stream()
            .findFirst()
            .map(String::strip)
            .filter(line -> line.matches("\\d+"))
            .flatMap(pid -> ProcessHandle.of(Long.parseLong(pid)))
            .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false));
    orphan.ifPresent(p -> ChildProcess.stopTree(p, Duration.ofSeconds(10)));
  }

  @Override
  public int port() {
    return postgres.getPort();
  }

  @Override
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
  }

  @Override
  public String user() {
    return SUPERUSER;
  }

  /** The server trusts local connections; any password works, this one keeps configs non-empty. */
  @Override
  public String password() {
    return SUPERUSER;
  }

  @Override
  public String adminDatabase() {
    return "postgres";
  }

  public Path logFile() {
    return logFile;
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not stop embedded PostgreSQL", e);
    } finally {
      if (deleteLogOnClose) {
        try {
          Files.deleteIfExists(logFile);
        } catch (IOException ignored) {
          // A stray temp file is not worth failing a test for.
        }
      }
    }
  }
}
