package dev.hourglass.ui.it;

import dev.hourglass.infra.AppEnvironment;
import dev.hourglass.infra.FreePorts;
import dev.hourglass.infra.HourglassRealm;
import dev.hourglass.infra.KeycloakServer;
import dev.hourglass.infra.MailCatcher;
import dev.hourglass.infra.PayaraMicroServer;
import dev.hourglass.infra.PostgresServer;
import dev.hourglass.infra.RandomSecrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The whole product for browser tests: PostgreSQL, Keycloak with the realm, an SMTP catcher and
 * Payara Micro running the built WAR, all on free loopback ports, started once per test JVM and
 * stopped when it exits.
 */
final class HourglassStack {

  private static HourglassStack instance;

  final PostgresServer postgres;
  final PostgresServer.LoginRole appRole;
  final String database;
  final MailCatcher mail;
  final KeycloakServer keycloak;
  final PayaraMicroServer app;
  final String demoPassword;
  final Path workDir;

  private HourglassStack() throws Exception {
    workDir = Paths.get("target", "it-stack").toAbsolutePath();
    Files.createDirectories(workDir);
    demoPassword = RandomSecrets.urlSafe(18);
    var clientSecret = RandomSecrets.urlSafe(18);
    postgres = PostgresServer.fromEnvironmentOrEmbedded();
    database = postgres.createDatabase("hg_browser");
    appRole = postgres.createLoginRole("hg_app");
    mail = MailCatcher.start(0, 0);
    int appPort = FreePorts.pick();
    int keycloakPort = FreePorts.pick();
    var appUrl = "http://127.0.0.1:" + appPort;
    var keycloakUrl = "http://127.0.0.1:" + keycloakPort;

    var keycloakStart =
        CompletableFuture.supplyAsync(
            () ->
                KeycloakServer.start(
                    new KeycloakServer.Options(
                        path("hourglass.keycloak.zip"),
                        Paths.get("target", "keycloak").toAbsolutePath(),
                        keycloakPort,
                        HourglassRealm.writeTo(workDir.resolve("hourglass-realm.json")),
                        HourglassRealm.placeholders(appUrl, clientSecret, demoPassword),
                        workDir.resolve("keycloak.log"),
                        Duration.ofSeconds(240))));
    try {
      app = startApp(appPort, appEnvironment(appUrl, keycloakUrl, clientSecret), "payara.log");
    } catch (RuntimeException e) {
      keycloakStart.handle((k, x) -> k).thenAccept(k -> k.close());
      throw e;
    }
    keycloak = keycloakStart.join();
  }

  Map<String, String> appEnvironment(String appUrl, String keycloakUrl, String clientSecret) {
    var env =
        AppEnvironment.of(
            postgres.jdbcUrl(database),
            postgres.user(),
            postgres.password(),
            appRole.name(),
            appRole.password(),
            appUrl,
            keycloakUrl,
            clientSecret,
            mail.smtpPort(),
            "test1:" + RandomSecrets.aesKeyBase64());
    // The shortest idle timeout, so SessionExpiryIT can watch a session expire.
    env.put("HOURGLASS_SESSION_TIMEOUT_MINUTES", "1");
    // Quick fleet checks, so FleetIT sees a stopped database turn unreachable within seconds.
    env.put("HOURGLASS_TARGETS_CHECK_INTERVAL_SECONDS", "5");
    env.put("HOURGLASS_TARGETS_CONNECT_TIMEOUT_SECONDS", "3");
    return env;
  }

  PayaraMicroServer startApp(int port, Map<String, String> env, String logName) {
    return PayaraMicroServer.start(
        new PayaraMicroServer.Options(
            path("hourglass.payara.jar"),
            path("hourglass.war"),
            port,
            env,
            null,
            workDir.resolve(logName),
            Duration.ofSeconds(240),
            List.of("-Xmx512m")));
  }

  static synchronized HourglassStack get() throws Exception {
    if (instance == null) {
      instance = new HourglassStack();
      var started = instance;
      Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "stop-hourglass-stack"));
    }
    return instance;
  }

  String appUrl() {
    return app.baseUrl();
  }

  private void stop() {
    app.close();
    keycloak.close();
    mail.close();
    postgres.dropDatabase(database);
    postgres.dropRole(appRole.name());
    postgres.close();
  }

  private static Path path(String property) {
    var value = System.getProperty(property);
    if (value == null) {
      throw new IllegalStateException(
          "System property " + property + " is not set: run the browser tests with `mvn verify`");
    }
    var p = Paths.get(value);
    if (!Files.exists(p)) {
      throw new IllegalStateException(property + " points at " + p + ", which does not exist");
    }
    return p;
  }
}
