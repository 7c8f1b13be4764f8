package dev.hourglass.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DevStackIT {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void dev_stack_starts_everything_passes_the_app_its_settings_and_stops_without_leftovers()
      throws Exception {
    Path war =
        TestFiles.war(
            TestFiles.SHARED_HOME.resolve("env.war"),
            Map.of(
                "env.jsp",
                "<% for (String name : new String[] {\"HOURGLASS_DB_URL\", \"HOURGLASS_DB_USER\","
                    + " \"HOURGLASS_DB_PASSWORD\", \"HOURGLASS_BASE_URL\","
                    + " \"HOURGLASS_OIDC_PROVIDER_URI\", \"HOURGLASS_OIDC_CLIENT_ID\","
                    + " \"HOURGLASS_MAIL_HOST\", \"HOURGLASS_MAIL_PORT\", \"HOURGLASS_MAIL_FROM\","
                    + " \"HOURGLASS_DEMO_DATA\", \"HOURGLASS_MAIL_CATCHER_URL\"}) {"
                    + " out.println(name + \"=\" + System.getenv(name)); } %>"));
    Map<String, String> env = freePorts();
    env.put("HOURGLASS_HOME", TestFiles.SHARED_HOME.toString());
    env.put("HOURGLASS_WAR", war.toString());
    env.put("HOURGLASS_PAYARA_JAR", TestFiles.PAYARA_JAR.toString());
    env.put("HOURGLASS_KEYCLOAK_ZIP", TestFiles.KEYCLOAK_ZIP.toString());
    DevStack.Settings settings = DevStack.Settings.from(env, Path.of("/nonexistent"));

    try (DevStack stack = DevStack.start(settings)) {
      assertThat(stack.whatDied()).isNull();
      assertThat(stack.banner())
          .contains(stack.appUrl())
          .contains("demo / " + stack.demoPassword())
          .contains("http://127.0.0.1:" + settings.mailWebPort() + "/");

      Map<String, String> app = parse(get(stack.appUrl() + "/env.jsp"));
      assertThat(app)
          .containsEntry("HOURGLASS_BASE_URL", stack.appUrl())
          .containsEntry(
              "HOURGLASS_OIDC_PROVIDER_URI",
              "http://127.0.0.1:" + settings.keycloakPort() + "/realms/hourglass")
          .containsEntry("HOURGLASS_OIDC_CLIENT_ID", "hourglass")
          .containsEntry("HOURGLASS_MAIL_HOST", "127.0.0.1")
          .containsEntry("HOURGLASS_MAIL_PORT", Integer.toString(settings.smtpPort()))
          .containsEntry("HOURGLASS_MAIL_FROM", "hourglass@hourglass.local")
          .containsEntry("HOURGLASS_DEMO_DATA", "true")
          .containsEntry(
              "HOURGLASS_MAIL_CATCHER_URL", "http://127.0.0.1:" + settings.mailWebPort() + "/");
      try (Connection db =
          DriverManager.getConnection(
              app.get("HOURGLASS_DB_URL"),
              app.get("HOURGLASS_DB_USER"),
              app.get("HOURGLASS_DB_PASSWORD"))) {
        assertThat(db.getCatalog()).isEqualTo("hourglass");
      }
      assertThat(get(app.get("HOURGLASS_OIDC_PROVIDER_URI") + "/.well-known/openid-configuration"))
          .contains("\"issuer\"");
      assertThat(get(app.get("HOURGLASS_MAIL_CATCHER_URL"))).contains("Mail catcher");
      assertThat(Files.getPosixFilePermissions(TestFiles.SHARED_HOME.resolve("secrets.properties")))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    assertThat(TestFiles.processesMentioning(TestFiles.SHARED_HOME.toString())).isEmpty();
    assertThat(FreePorts.isFree(settings.appPort())).isTrue();
    assertThat(FreePorts.isFree(settings.keycloakPort())).isTrue();
  }

  @Test
  void a_taken_port_fails_fast_naming_the_variable_to_change() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Map<String, String> env = freePorts();
      env.put("HOURGLASS_KEYCLOAK_PORT", Integer.toString(taken.getLocalPort()));
      env.put("HOURGLASS_PAYARA_JAR", TestFiles.PAYARA_JAR.toString());
      env.put("HOURGLASS_KEYCLOAK_ZIP", TestFiles.KEYCLOAK_ZIP.toString());
      DevStack.Settings settings = DevStack.Settings.from(env, Path.of("/nonexistent"));

      assertThatThrownBy(settings::check)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Port " + taken.getLocalPort() + " is already in use")
          .hasMessageContaining("set HOURGLASS_KEYCLOAK_PORT")
          .hasMessageContaining("HOURGLASS_WAR");
    }
  }

  private static Map<String, String> freePorts() {
    Map<String, String> env = new HashMap<>();
    env.put("HOURGLASS_PORT", Integer.toString(FreePorts.pick()));
    env.put("HOURGLASS_KEYCLOAK_PORT", Integer.toString(FreePorts.pick()));
    env.put("HOURGLASS_MAIL_SMTP_PORT", Integer.toString(FreePorts.pick()));
    env.put("HOURGLASS_MAIL_WEB_PORT", Integer.toString(FreePorts.pick()));
    return env;
  }

  private static Map<String, String> parse(String body) {
    Map<String, String> values = new HashMap<>();
    body.lines()
        .map(String::strip)
        .filter(line -> line.contains("="))
        .forEach(
            line ->
                values.put(
                    line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1)));
    return values;
  }

  private String get(String url) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(url).isEqualTo(200);
    return response.body();
  }
}
