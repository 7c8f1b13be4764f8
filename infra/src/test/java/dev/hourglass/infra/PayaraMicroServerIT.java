package dev.hourglass.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PayaraMicroServerIT {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void two_payara_micro_instances_deploy_a_war_side_by_side_on_loopback_only(@TempDir Path dir)
      throws Exception {
    Path war = TestFiles.healthyWar(dir.resolve("tiny.war"));
    try (PayaraMicroServer first = start(war, dir.resolve("first"), Map.of());
        PayaraMicroServer second = start(war, dir.resolve("second"), Map.of())) {
      for (PayaraMicroServer payara : List.of(first, second)) {
        assertThat(get(payara.baseUrl() + "/health/live")).contains("\"status\":\"UP\"");
        assertThat(get(payara.baseUrl() + "/")).contains("tiny");
        assertThat(TestFiles.listeningAddresses(payara.pid()))
            .hasSizeGreaterThanOrEqualTo(2) // HTTP and the Hazelcast data grid
            .allMatch(a -> a.startsWith("127.0.0.1:") || a.startsWith("[::ffff:127.0.0.1]:"));
      }
      assertThat(first.log()).contains("Deployed 1 archive(s)").doesNotContain("\u001B[");
      assertThat(first.log()).doesNotContain("Members {size:2");
    }
  }

  @Test
  void the_app_gets_its_configuration_as_environment_variables(@TempDir Path dir) throws Exception {
    Path war =
        TestFiles.war(
            dir.resolve("env.war"),
            Map.of("env.jsp", "<%= System.getenv(\"HOURGLASS_BASE_URL\") %>"));
    try (PayaraMicroServer payara =
        start(war, null, Map.of("HOURGLASS_BASE_URL", "http://127.0.0.1:4711"))) {
      assertThat(get(payara.baseUrl() + "/env.jsp")).contains("http://127.0.0.1:4711");
    }
  }

  @Test
  void stopping_payara_micro_leaves_no_process_behind(@TempDir Path dir) throws Exception {
    Path war = TestFiles.healthyWar(dir.resolve("tiny.war"));
    Path rootDir = dir.resolve("root");
    PayaraMicroServer payara = start(war, rootDir, Map.of());
    long pid = payara.pid();

    payara.close();

    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(TestFiles.processesMentioning(rootDir.toString())).isEmpty();
    assertThat(payara.isAlive()).isFalse();
  }

  @Test
  void a_failed_deployment_is_reported_with_the_log_tail(@TempDir Path dir) throws Exception {
    Path war =
        TestFiles.war(dir.resolve("broken.war"), Map.of("WEB-INF/web.xml", "<web-app><servlet>"));
    Path rootDir = dir.resolve("root");

    assertThatThrownBy(() -> start(war, rootDir, Map.of()))
        .isInstanceOf(ServiceStartException.class)
        .hasMessageContaining("could not deploy")
        .hasMessageContaining("Last lines of");
    assertThat(TestFiles.processesMentioning(rootDir.toString())).isEmpty();
  }

  private static PayaraMicroServer start(Path war, Path rootDir, Map<String, String> env) {
    return PayaraMicroServer.start(
        new PayaraMicroServer.Options(
            TestFiles.PAYARA_JAR,
            war,
            0,
            env,
            rootDir,
            war.resolveSibling(war.getFileName() + "-" + System.nanoTime() + ".log"),
            Duration.ofSeconds(120),
            List.of("-Xmx256m", "-XX:TieredStopAtLevel=1")));
  }

  private String get(String url) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(url + ": " + response.body()).isEqualTo(200);
    return response.body();
  }
}
