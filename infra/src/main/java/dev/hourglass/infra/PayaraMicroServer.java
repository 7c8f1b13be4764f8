package dev.hourglass.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * Payara Micro running one WAR at context root {@code /}, on 127.0.0.1 only. Ready once Payara
 * reports its deployments done and {@code /health/live} answers 200. That path belongs to Payara's
 * MicroProfile Health, which answers even without an app and includes the app's liveness checks.
 *
 * <p>Payara Micro starts Hazelcast even with {@code --nocluster}, listening on *:6900. Instead each
 * instance gets its own cluster name, a free data-grid port on 127.0.0.1 and a member list of only
 * itself, so two instances on one machine neither collide nor join each other.
 */
public final class PayaraMicroServer extends ChildServer {

  private static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(180);

  // Payara Micro keeps running when the --deploy fails, so the log is the only sign.
  private static final Pattern FIRST_ERROR = Pattern.compile("^\\S*(Exception|Error)[:\\s]|SEVERE");
  private static final Pattern BOOTED = Pattern.compile("Payara Micro .* ready in ");
  private static final Pattern DEPLOYMENT_FAILED =
      Pattern.compile(
          "Deployment failed|Exception while deploying|Exception while loading the app|failed to deploy",
          Pattern.CASE_INSENSITIVE);

  /**
   * @param payaraJar payara-micro.jar (infra/target/servers/payara-micro.jar)
   * @param war the application
   * @param port HTTP port, 0 for a free one
   * @param env the app's configuration (MicroProfile Config reads environment variables); may be
   *     null
   * @param rootDir Payara's --rootdir, emptied at start; null for a temporary directory, deleted on
   *     close
   * @param logFile Payara's console output
   * @param startTimeout null for 180 s
   * @param jvmArgs e.g. -Xmx512m; may be null
   */
  public record Options(
      Path payaraJar,
      Path war,
      int port,
      Map<String, String> env,
      Path rootDir,
      Path logFile,
      Duration startTimeout,
      List<String> jvmArgs) {
    public Options {
      Objects.requireNonNull(payaraJar, "payaraJar");
      Objects.requireNonNull(war, "war");
      Objects.requireNonNull(logFile, "logFile");
      env = env == null ? Map.of() : Map.copyOf(env);
      startTimeout = startTimeout == null ? DEFAULT_START_TIMEOUT : startTimeout;
      jvmArgs = jvmArgs == null ? List.of() : List.copyOf(jvmArgs);
    }
  }

  private final Path temporaryRootDir;

  private PayaraMicroServer(ChildProcess process, int port, Path temporaryRootDir) {
    super(process, port);
    this.temporaryRootDir = temporaryRootDir;
  }

  public static PayaraMicroServer start(Options options) {
    requireFile(options.payaraJar(), "Payara Micro jar");
    requireFile(options.war(), "WAR");
    Path temporaryRootDir = null;
    try {
      Path rootDir = options.rootDir();
      if (rootDir == null) {
        temporaryRootDir = Files.createTempDirectory("hourglass-payara-");
        rootDir = temporaryRootDir;
      }
      // Payara Micro redeploys every app an earlier start left registered in its root dir, so a
      // WAR under another name would clash at context root /. Nothing there is worth keeping.
      Directories.deleteRecursively(rootDir);
      Files.createDirectories(rootDir);
      // The HTTP listener has no command-line flag for its address; a pre-boot asadmin command
      // sets it. Kept outside the root dir, which Payara owns.
      Path preBoot = rootDir.resolveSibling(rootDir.getFileName() + ".preboot.asadmin");
      Files.writeString(
          preBoot,
          "set configs.config.server-config.network-config.network-listeners"
              + ".network-listener.http-listener.address=127.0.0.1\n");

      int port = options.port() == 0 ? FreePorts.pick() : options.port();
      int dataGridPort = FreePorts.pick();
      List<String> command = new ArrayList<>();
      command.add(ChildProcess.currentJava().toString());
      command.addAll(options.jvmArgs());
      // Without this Hazelcast binds all interfaces even when told to use 127.0.0.1.
      command.add("-Dhazelcast.socket.bind.any=false");
      command.addAll(
          List.of(
              "-jar",
              options.payaraJar().toAbsolutePath().toString(),
              "--deploy",
              options.war().toAbsolutePath().toString(),
              "--contextroot",
              "/",
              "--port",
              Integer.toString(port),
              "--rootdir",
              rootDir.toAbsolutePath().toString(),
              "--prebootcommandfile",
              preBoot.toAbsolutePath().toString(),
              "--interfaces",
              "127.0.0.1",
              "--startport",
              Integer.toString(dataGridPort),
              "--clustermode",
              "tcpip:127.0.0.1:" + dataGridPort,
              "--clustername",
              "hourglass-" + UUID.randomUUID(),
              "--disablephonehome"));
      ChildProcess process =
          ChildProcess.start(
              "Payara Micro",
              command,
              options.env(),
              List.of(),
              rootDir.toAbsolutePath().getParent(),
              options.logFile());
      PayaraMicroServer server = new PayaraMicroServer(process, port, temporaryRootDir);
      URI live = URI.create(server.baseUrl() + "/health/live");
      ChildProcess.LogFollower output = process.follow();
      AtomicBoolean booted = new AtomicBoolean();
      process.awaitReady(
          options.startTimeout(),
          () -> {
            String fresh = output.newLines();
            if (DEPLOYMENT_FAILED.matcher(fresh).find()) {
              throw new ServiceStartException(
                  "Payara Micro could not deploy "
                      + options.war()
                      + ". First error: "
                      + firstError(process.log())
                      + "\n"
                      + process.tail());
            }
            if (BOOTED.matcher(fresh).find()) {
              booted.set(true);
            }
            return booted.get() && HttpProbe.status(live) == 200;
          });
      return server;
    } catch (IOException e) {
      deleteQuietly(temporaryRootDir);
      throw new UncheckedIOException("Could not prepare Payara Micro", e);
    } catch (RuntimeException e) {
      deleteQuietly(temporaryRootDir);
      throw e;
    }
  }

  /** The tail of a failed deployment is a stack trace; the reason is usually further up. */
  private static String firstError(String log) {
    List<String> lines = log.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      if (FIRST_ERROR.matcher(lines.get(i)).find()) {
        return String.join("\n", lines.subList(i, Math.min(lines.size(), i + 4)));
      }
    }
    return "(none found in the log)";
  }

  private static void requireFile(Path file, String what) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(what + " not found at " + file.toAbsolutePath());
    }
  }

  /** Payara's output so far, without colour codes. */
  public String log() {
    return process.log();
  }

  public long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    try {
      super.close();
    } finally {
      deleteQuietly(temporaryRootDir);
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try {
      Directories.deleteRecursively(dir);
      Files.deleteIfExists(dir.resolveSibling(dir.getFileName() + ".preboot.asadmin"));
    } catch (RuntimeException | IOException e) {
      // Leftovers in the temp dir are harmless; a failed stop must not hide the real error.
    }
  }
}
