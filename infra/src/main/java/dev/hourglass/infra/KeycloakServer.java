package dev.hourglass.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Keycloak in development mode ({@code kc.sh start-dev}: H2 database in its home, local caches, no
 * clustering) on 127.0.0.1, with the Hourglass realm imported at start.
 *
 * <p>The unpacked home is reused, so only the first start pays for Keycloak's build step. Keycloak
 * skips importing a realm that exists, so a small state file beside the home remembers a
 * fingerprint of what was imported; when the realm file or its placeholder values change, the dev
 * database is deleted and the realm imported afresh.
 */
public final class KeycloakServer extends ChildServer {

  public static final String ADMIN_USER = "admin";
  private static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(180);

  // Inherited variables that would change how kc.sh starts Keycloak: DEBUG=true, for one, opens a
  // debugger on the fixed port 8787.
  private static final List<String> SCRIPT_VARIABLES =
      List.of(
          "JAVA_OPTS",
          "JAVA_OPTS_APPEND",
          "JAVA_OPTS_KC_HEAP",
          "JAVA_ADD_OPENS",
          "DEBUG",
          "DEBUG_PORT",
          "DEBUG_SUSPEND",
          "PRINT_ENV");

  /**
   * @param distZip the keycloak-quarkus-dist zip (infra/target/servers/keycloak-dist.zip)
   * @param home where the distribution is unpacked, or reused when it is there already
   * @param httpPort 0 for a free port
   * @param realmFile realm JSON imported at start, e.g. {@link HourglassRealm#writeTo(Path)}
   * @param env extra environment, e.g. {@link HourglassRealm#placeholders}; may be null
   * @param logFile Keycloak's console output
   * @param startTimeout null for 180 s
   */
  public record Options(
      Path distZip,
      Path home,
      int httpPort,
      Path realmFile,
      Map<String, String> env,
      Path logFile,
      Duration startTimeout) {
    public Options {
      Objects.requireNonNull(distZip, "distZip");
      Objects.requireNonNull(home, "home");
      Objects.requireNonNull(realmFile, "realmFile");
      Objects.requireNonNull(logFile, "logFile");
      env = env == null ? Map.of() : Map.copyOf(env);
      startTimeout = startTimeout == null ? DEFAULT_START_TIMEOUT : startTimeout;
    }
  }

  private final String adminPassword;

  private KeycloakServer(ChildProcess process, int port, String adminPassword) {
    super(process, port);
    this.adminPassword = adminPassword;
  }

  public static KeycloakServer start(Options options) {
    try {
      Path home = unpackedHome(options.distZip(), options.home());
      State state = State.load(stateFile(home));
      String fingerprint = fingerprint(options.realmFile(), options.env());
      if (!fingerprint.equals(state.realmFingerprint)) {
        // The realm exists in the dev database with other values: start from an empty database.
        Directories.deleteRecursively(home.resolve("data/h2"));
      }
      Path importDir = home.resolve("data/import");
      Directories.deleteRecursively(importDir);
      Files.createDirectories(importDir);
      Files.copy(options.realmFile(), importDir.resolve(HourglassRealm.NAME + "-realm.json"));

      int port = options.httpPort() == 0 ? FreePorts.pick() : options.httpPort();
      List<String> command =
          List.of(
              home.resolve("bin/kc.sh").toString(),
              "start-dev",
              "--http-port=" + port,
              "--http-host=127.0.0.1",
              // Not opened unless health or metrics are on; a free port in case a later version
              // opens it anyway, because the default 9000 would collide between two instances.
              "--http-management-port=" + FreePorts.pick(),
              "--import-realm");
      Map<String, String> env = new TreeMap<>(options.env());
      Path javaHome = ChildProcess.currentJava().getParent().getParent();
      env.put("JAVA_HOME", javaHome.toString());
      env.put("JAVA", ChildProcess.currentJava().toString());
      // C1 only: a dev/test Keycloak serves a handful of logins, and skipping C2 compilation cut
      // its start from 8 to 6.5 s on an idle 2-core machine and from 27 to 16 s on a busy one.
      env.put("JAVA_OPTS_APPEND", "-XX:TieredStopAtLevel=1");
      env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
      env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", state.adminPassword);
      List<String> removed = new ArrayList<>(SCRIPT_VARIABLES);
      // Any KC_* variable of the caller's shell (KC_DB, KC_HOSTNAME ...) would reconfigure it.
      System.getenv().keySet().stream().filter(k -> k.startsWith("KC_")).forEach(removed::add);

      ChildProcess process =
          ChildProcess.start("Keycloak", command, env, removed, home, options.logFile());
      KeycloakServer server = new KeycloakServer(process, port, state.adminPassword);
      URI discovery = URI.create(server.realmUrl() + "/.well-known/openid-configuration");
      process.awaitReady(options.startTimeout(), () -> HttpProbe.status(discovery) == 200);
      state.realmFingerprint = fingerprint;
      state.save(stateFile(home));
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not prepare Keycloak in " + options.home(), e);
    }
  }

  /**
   * Unpacks the distribution into {@code home} (without its top-level folder), unless {@code home}
   * holds that version already. Unpacks to a sibling folder first, so an interrupted unpack is
   * never mistaken for a complete one.
   */
  public static Path unpackedHome(Path distZip, Path home) throws IOException {
    // The zip file system with POSIX attributes keeps the executable bit of bin/kc.sh.
    try (FileSystem zip =
        FileSystems.newFileSystem(distZip, Map.of("enablePosixFileAttributes", "true"))) {
      Path top;
      try (Stream<Path> entries = Files.list(zip.getPath("/"))) {
        top =
            entries
                .filter(Files::isDirectory)
                .findFirst()
                .orElseThrow(() -> new IOException(distZip + " has no top-level folder"));
      }
      String version = Files.readString(top.resolve("version.txt"));
      Path versionFile = home.resolve("version.txt");
      if (Files.isExecutable(home.resolve("bin/kc.sh"))
          && Files.exists(versionFile)
          && Files.readString(versionFile).equals(version)) {
        return home;
      }
      Path partial = home.resolveSibling(home.getFileName() + ".unpacking");
      Directories.deleteRecursively(partial);
      try (Stream<Path> entries = Files.walk(top)) {
        for (Path entry : (Iterable<Path>) entries::iterator) {
          Path target = partial.resolve(top.relativize(entry).toString());
          if (Files.isDirectory(entry)) {
            Files.createDirectories(target);
          } else {
            Files.copy(entry, target);
            Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(entry));
          }
        }
      }
      Directories.deleteRecursively(home);
      Files.deleteIfExists(stateFile(home));
      Files.move(partial, home, StandardCopyOption.ATOMIC_MOVE);
      return home;
    }
  }

  private static Path stateFile(Path home) {
    return home.resolveSibling(home.getFileName() + ".state.properties");
  }

  private static String fingerprint(Path realmFile, Map<String, String> env) throws IOException {
    try {
      // Hashed, so the state file does not hold the client secret or the demo password.
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(Files.readAllBytes(realmFile));
      new TreeMap<>(env)
          .forEach((k, v) -> digest.update(("\n" + k + "=" + v).getBytes(StandardCharsets.UTF_8)));
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public String realmUrl() {
    return HourglassRealm.url(baseUrl());
  }

  public String adminConsoleUrl() {
    return baseUrl() + "/admin/master/console/";
  }

  /** Password of {@link #ADMIN_USER} in the master realm; stable for one home. */
  public String adminPassword() {
    return adminPassword;
  }

  /** What is kept beside the home between starts. */
  private static final class State {
    String adminPassword;
    String realmFingerprint;

    static State load(Path file) throws IOException {
      Properties properties = new Properties();
      if (Files.exists(file)) {
        try (InputStream in = Files.newInputStream(file)) {
          properties.load(in);
        }
      }
      State state = new State();
      state.adminPassword = properties.getProperty("admin.password", RandomSecrets.urlSafe(18));
      state.realmFingerprint = properties.getProperty("realm.fingerprint", "");
      return state;
    }

    void save(Path file) throws IOException {
      Directories.writePrivate(
          file,
          "# Written by KeycloakServer: the bootstrap admin's password and what the realm was"
              + " imported from.\n"
              + "admin.password="
              + adminPassword
              + "\nrealm.fingerprint="
              + realmFingerprint
              + "\n");
    }
  }
}
