package dev.hourglass.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The whole app on one machine with one command ({@code ./hourglass run}): PostgreSQL, Keycloak
 * with the Hourglass realm, a mail catcher and Payara Micro running the WAR, all on 127.0.0.1.
 * Settings come from environment variables, see {@link Settings#from}. Ctrl-C stops everything.
 */
public final class DevStack implements AutoCloseable {

  /** Everything the launcher can be told, with the environment variable that tells it. */
  public record Settings(
      Path home,
      int appPort,
      int keycloakPort,
      int smtpPort,
      int mailWebPort,
      Optional<ExternalDatabase> database,
      Path war,
      Path payaraJar,
      Path keycloakZip) {

    /**
     * Reads HOURGLASS_HOME (./.hourglass), HOURGLASS_PORT (8080), HOURGLASS_KEYCLOAK_PORT (8180),
     * HOURGLASS_MAIL_SMTP_PORT (2525), HOURGLASS_MAIL_WEB_PORT (8025), HOURGLASS_DB_URL /
     * HOURGLASS_DB_USER / HOURGLASS_DB_PASSWORD / HOURGLASS_DB_APP_USER / HOURGLASS_DB_APP_PASSWORD
     * (embedded PostgreSQL, with its app role created, when unset), HOURGLASS_WAR
     * (ui/target/hourglass.war), HOURGLASS_PAYARA_JAR (infra/target/servers/payara-micro.jar) and
     * HOURGLASS_KEYCLOAK_ZIP (infra/target/servers/keycloak-dist.zip); relative paths against
     * {@code workDir}.
     */
    public static Settings from(Map<String, String> env, Path workDir) {
      Optional<ExternalDatabase> database =
          value(env, "HOURGLASS_DB_URL")
              .map(
                  url ->
                      new ExternalDatabase(
                          url,
                          value(env, "HOURGLASS_DB_USER").orElse("postgres"),
                          value(env, "HOURGLASS_DB_PASSWORD").orElse(""),
                          value(env, "HOURGLASS_DB_APP_USER").orElse("hourglass_app"),
                          value(env, "HOURGLASS_DB_APP_PASSWORD").orElse("")));
      return new Settings(
          path(env, workDir, "HOURGLASS_HOME", ".hourglass"),
          port(env, "HOURGLASS_PORT", 8080),
          port(env, "HOURGLASS_KEYCLOAK_PORT", 8180),
          port(env, "HOURGLASS_MAIL_SMTP_PORT", 2525),
          port(env, "HOURGLASS_MAIL_WEB_PORT", 8025),
          database,
          path(env, workDir, "HOURGLASS_WAR", "ui/target/hourglass.war"),
          path(env, workDir, "HOURGLASS_PAYARA_JAR", "infra/target/servers/payara-micro.jar"),
          path(env, workDir, "HOURGLASS_KEYCLOAK_ZIP", "infra/target/servers/keycloak-dist.zip"));
    }

    /** Fails with what to change when a fixed port is taken or a file is missing. */
    public void check() {
      List<String> problems = new ArrayList<>();
      Map<String, Integer> ports = new LinkedHashMap<>();
      ports.put("HOURGLASS_PORT", appPort);
      ports.put("HOURGLASS_KEYCLOAK_PORT", keycloakPort);
      ports.put("HOURGLASS_MAIL_SMTP_PORT", smtpPort);
      ports.put("HOURGLASS_MAIL_WEB_PORT", mailWebPort);
      ports.forEach(
          (variable, port) -> {
            if (!FreePorts.isFree(port)) {
              problems.add(
                  "Port "
                      + port
                      + " is already in use on 127.0.0.1. Stop what uses it (is Hourglass running"
                      + " already?) or set "
                      + variable
                      + " to a free port.");
            }
          });
      if (ports.values().stream().distinct().count() < ports.size()) {
        problems.add("Two of " + ports + " are the same port: give each its own.");
      }
      requireFile(
          war,
          "HOURGLASS_WAR",
          "the app's WAR; build it with: mvn -B -DskipTests install",
          problems);
      requireFile(
          payaraJar, "HOURGLASS_PAYARA_JAR", "Payara Micro; build infra to fetch it", problems);
      requireFile(
          keycloakZip,
          "HOURGLASS_KEYCLOAK_ZIP",
          "the Keycloak distribution; build infra to fetch it",
          problems);
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException(String.join("\n", problems));
      }
    }

    private static void requireFile(
        Path file, String variable, String what, List<String> problems) {
      if (!Files.isRegularFile(file)) {
        problems.add(file + " does not exist (" + what + ", or set " + variable + ").");
      }
    }

    private static Optional<String> value(Map<String, String> env, String name) {
      return Optional.ofNullable(env.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    private static int port(Map<String, String> env, String name, int fallback) {
      String raw = value(env, name).orElse(Integer.toString(fallback));
      try {
        int port = Integer.parseInt(raw);
        if (port < 1 || port > 65535) {
          throw new NumberFormatException();
        }
        return port;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + "=" + raw + " is not a TCP port (1-65535).");
      }
    }

    private static Path path(Map<String, String> env, Path workDir, String name, String fallback) {
      return workDir.resolve(value(env, name).orElse(fallback)).toAbsolutePath().normalize();
    }
  }

  /** A control-plane database that runs already. */
  public record ExternalDatabase(
      String jdbcUrl, String user, String password, String appUser, String appPassword) {}

  private static final Duration POLL = Duration.ofSeconds(1);

  private final Settings settings;
  private final Path logs;
  private final Secrets secrets;
  private final ExecutorService starters = Executors.newFixedThreadPool(3, DevStack::daemon);

  // Guarded by this; written as the parts come up, so close() during start stops what is there.
  private boolean closed;
  private PostgresServer postgres;
  private PostgresServer demoTargets;
  private String demoTargetList = "";
  private MailCatcher mail;
  private KeycloakServer keycloak;
  private PayaraMicroServer payara;
  private String databaseUrl;
  private String databaseUser;
  private String databasePassword;
  private String appUser;
  private String appPassword;

  private DevStack(Settings settings) {
    this.settings = settings;
    this.logs = settings.home().resolve("logs");
    this.secrets = Secrets.loadOrCreate(settings.home().resolve("secrets.properties"));
  }

  /**
   * Starts everything. PostgreSQL, the mail catcher and Keycloak start at once; Payara starts as
   * soon as the database is there, since it needs Keycloak only when someone signs in.
   */
  public static DevStack start(Settings settings) {
    settings.check();
    DevStack stack = new DevStack(settings);
    try {
      stack.startAll();
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  private void startAll() {
    Future<KeycloakServer> keycloakStart = starters.submit(this::startKeycloak);
    Future<PostgresServer> postgresStart = starters.submit(this::startPostgres);
    register(MailCatcher.start(settings.smtpPort(), settings.mailWebPort()));
    await(postgresStart);
    startDemoTargets();
    Future<PayaraMicroServer> payaraStart = starters.submit(this::startPayara);
    await(payaraStart);
    await(keycloakStart);
  }

  /**
   * A second local PostgreSQL with the demo team's databases: the network policy keeps tenants off
   * the control plane's own server, so demo targets cannot live there.
   */
  private void startDemoTargets() {
    ZonkyPostgres server =
        ZonkyPostgres.start(settings.home().resolve("targets"), 0, logs.resolve("targets.log"));
    synchronized (this) {
      if (closed) {
        closeQuietly(server);
        throw new IllegalStateException("Stopping");
      }
      demoTargets = server;
    }
    server.createDatabaseIfMissing("demo_sales");
    server.createDatabaseIfMissing("demo_metrics");
    String at = "127.0.0.1:" + server.port();
    synchronized (this) {
      // name=host:port/database; the last one stays unreachable on purpose (nothing on port 1).
      demoTargetList =
          "Sales="
              + at
              + "/demo_sales,Metrics="
              + at
              + "/demo_metrics,Legacy reports=127.0.0.1:1/legacy";
    }
  }

  private KeycloakServer startKeycloak() {
    Path realm =
        HourglassRealm.writeTo(settings.home().resolve("keycloak-import/hourglass-realm.json"));
    return register(
        KeycloakServer.start(
            new KeycloakServer.Options(
                settings.keycloakZip(),
                settings.home().resolve("keycloak"),
                settings.keycloakPort(),
                realm,
                HourglassRealm.placeholders(appUrl(), secrets.clientSecret, secrets.demoPassword),
                logs.resolve("keycloak.log"),
                null)));
  }

  private PostgresServer startPostgres() {
    if (settings.database().isPresent()) {
      ExternalDatabase db = settings.database().get();
      synchronized (this) {
        databaseUrl = db.jdbcUrl();
        databaseUser = db.user();
        databasePassword = db.password();
        appUser = db.appUser();
        appPassword = db.appPassword();
      }
      return null;
    }
    ZonkyPostgres server =
        register(
            ZonkyPostgres.start(
                settings.home().resolve("postgres"), 0, logs.resolve("postgres.log")));
    server.createDatabaseIfMissing("hourglass");
    server.ensureLoginRole("hourglass_app", secrets.appPassword);
    synchronized (this) {
      appUser = "hourglass_app";
      appPassword = secrets.appPassword;
      databaseUrl = server.jdbcUrl("hourglass");
      databaseUser = server.user();
      databasePassword = server.password();
    }
    return server;
  }

  private PayaraMicroServer startPayara() {
    return register(
        PayaraMicroServer.start(
            new PayaraMicroServer.Options(
                settings.payaraJar(),
                settings.war(),
                settings.appPort(),
                appEnvironment(),
                settings.home().resolve("payara"),
                logs.resolve("payara.log"),
                null,
                // C1 only: a quicker start matters more here than peak speed for one user.
                List.of("-Xmx768m", "-XX:TieredStopAtLevel=1"))));
  }

  /** What the app reads through MicroProfile Config. */
  public synchronized Map<String, String> appEnvironment() {
    Map<String, String> env =
        AppEnvironment.of(
            databaseUrl,
            databaseUser,
            databasePassword,
            appUser,
            appPassword,
            appUrl(),
            keycloakUrl(),
            secrets.clientSecret,
            settings.smtpPort(),
            "dev1:" + secrets.sealingKey);
    env.put("HOURGLASS_MAIL_CATCHER_URL", "http://127.0.0.1:" + settings.mailWebPort() + "/");
    env.put("HOURGLASS_DEMO_TARGETS", demoTargetList);
    return env;
  }

  public String appUrl() {
    return "http://127.0.0.1:" + settings.appPort();
  }

  private String keycloakUrl() {
    return "http://127.0.0.1:" + settings.keycloakPort();
  }

  public String demoPassword() {
    return secrets.demoPassword;
  }

  /** Null once everything runs; else the part that stopped, with its log tail. */
  public synchronized String whatDied() {
    if (payara != null && !payara.isAlive()) {
      return payara.deathNotice();
    }
    if (keycloak != null && !keycloak.isAlive()) {
      return keycloak.deathNotice();
    }
    return null;
  }

  public synchronized String banner() {
    String line = "-".repeat(78);
    return String.join(
        "\n",
        line,
        "Hourglass is running.",
        "  App:             " + appUrl() + "/",
        "  Sign in as:      "
            + HourglassRealm.DEMO_USER
            + " / "
            + secrets.demoPassword
            + "   (also "
            + HourglassRealm.NEWCOMER_USER
            + " and "
            + HourglassRealm.OPERATOR_USER
            + ", same password)",
        "  Mail catcher:    http://127.0.0.1:" + settings.mailWebPort() + "/",
        "  Keycloak admin:  "
            + keycloak.adminConsoleUrl()
            + "   ("
            + KeycloakServer.ADMIN_USER
            + " / "
            + keycloak.adminPassword()
            + ")",
        "  Database:        " + databaseUrl + "   (user " + databaseUser + ")",
        "  Logs:            " + logs + "/{payara,keycloak,postgres}.log",
        "  Secrets:         " + settings.home().resolve("secrets.properties"),
        "Press Ctrl-C to stop.",
        line);
  }

  private synchronized <T extends AutoCloseable> T register(T part) {
    if (closed) {
      closeQuietly(part);
      throw new IllegalStateException("Stopping");
    }
    if (part instanceof PostgresServer p) {
      postgres = p;
    } else if (part instanceof MailCatcher m) {
      mail = m;
    } else if (part instanceof KeycloakServer k) {
      keycloak = k;
    } else if (part instanceof PayaraMicroServer s) {
      payara = s;
    }
    return part;
  }

  private static <T> T await(Future<T> start) {
    try {
      return start.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while starting", e);
    }
  }

  /** Stops what runs, the app first and the database last. Safe to call more than once. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    // Interrupts starts under way; each stops its own half-started process.
    starters.shutdownNow();
    try {
      starters.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<AutoCloseable> parts;
    synchronized (this) {
      parts = new ArrayList<>();
      parts.add(payara);
      parts.add(keycloak);
      parts.add(mail);
      parts.add(demoTargets);
      parts.add(postgres);
    }
    parts.forEach(DevStack::closeQuietly);
  }

  private static void closeQuietly(AutoCloseable part) {
    if (part == null) {
      return;
    }
    try {
      part.close();
    } catch (Exception e) {
      System.err.println("Could not stop " + part.getClass().getSimpleName() + ": " + e);
    }
  }

  private static Thread daemon(Runnable runnable) {
    Thread thread = new Thread(runnable, "devstack-start");
    thread.setDaemon(true);
    return thread;
  }

  public static void main(String[] args) {
    // The embedded PostgreSQL and GreenMail log every step at INFO; the banner says what matters.
    Logger.getLogger("io.zonky").setLevel(Level.WARNING);
    Logger.getLogger("com.icegreen").setLevel(Level.WARNING);
    // Bound here, before the parallel starts, or SLF4J warns about calls made while it bound.
    org.slf4j.LoggerFactory.getLogger(DevStack.class);
    Settings settings;
    try {
      settings = Settings.from(System.getenv(), Path.of("").toAbsolutePath());
      settings.check();
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    System.out.println("Starting Hourglass in " + settings.home() + " ...");
    long started = System.nanoTime();
    DevStack stack = new DevStack(settings);
    Thread hook =
        new Thread(
            () -> {
              if (!stack.isClosed()) {
                System.out.println("\nStopping Hourglass ...");
                stack.close();
                System.out.println("Stopped.");
              }
            },
            "devstack-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stack.startAll();
    } catch (RuntimeException e) {
      boolean stopping = stack.isClosed();
      stack.close();
      if (!stopping) {
        System.err.println("Hourglass did not start: " + e.getMessage());
        System.exit(1);
      }
      return;
    }
    System.out.println(stack.banner());
    System.out.printf(
        "Started in %d s.%n", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
    stack.watch();
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  /** Returns only by exiting the JVM: when a part dies, or after Ctrl-C stopped everything. */
  private void watch() {
    while (true) {
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      String died = whatDied();
      if (died != null && !isClosed()) {
        // Ctrl-C reaches the children too; give the shutdown hook a moment to claim the stop.
        try {
          Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
          return;
        }
        if (isClosed()) {
          return;
        }
        System.err.println(died);
        System.err.println("Stopping the rest of Hourglass ...");
        close();
        System.err.println("Stopped the rest of Hourglass.");
        System.exit(1);
      }
    }
  }

  /**
   * Generated once per HOURGLASS_HOME, so sign-in and sealed secrets stay the same between starts.
   */
  private static final class Secrets {
    final String demoPassword;
    final String clientSecret;
    final String appPassword;
    final String sealingKey;

    private Secrets(Properties p) {
      this.demoPassword = p.getProperty("demo.password");
      this.clientSecret = p.getProperty("oidc.client.secret");
      this.appPassword = p.getProperty("db.app.password");
      this.sealingKey = p.getProperty("secrets.key.dev1");
    }

    static Secrets loadOrCreate(Path file) {
      try {
        Properties properties = new Properties();
        if (Files.exists(file)) {
          try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
          }
        }
        boolean changed = false;
        changed |= fill(properties, "demo.password", () -> RandomSecrets.urlSafe(9));
        changed |= fill(properties, "oidc.client.secret", () -> RandomSecrets.urlSafe(32));
        changed |= fill(properties, "db.app.password", () -> RandomSecrets.urlSafe(24));
        changed |= fill(properties, "secrets.key.dev1", RandomSecrets::aesKeyBase64);
        if (changed) {
          StringBuilder text =
              new StringBuilder(
                  "# Generated by ./hourglass run. Deleting secrets.key.dev1 makes stored database"
                      + " passwords unreadable.\n");
          for (String key : new java.util.TreeSet<>(properties.stringPropertyNames())) {
            text.append(key).append('=').append(properties.getProperty(key)).append('\n');
          }
          Directories.writePrivate(file, text.toString());
        }
        return new Secrets(properties);
      } catch (IOException e) {
        throw new UncheckedIOException("Could not read or write " + file, e);
      }
    }

    private static boolean fill(
        Properties p, String key, java.util.function.Supplier<String> generator) {
      if (p.getProperty(key) != null) {
        return false;
      }
      p.setProperty(key, generator.get());
      return true;
    }
  }
}
