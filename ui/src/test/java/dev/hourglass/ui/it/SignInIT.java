package dev.hourglass.ui.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.infra.HourglassRealm;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;

/**
 * Signing in and out through Keycloak's own login page, in a real headless Chromium, against the
 * built WAR on Payara Micro.
 */
class SignInIT {

  static HourglassStack stack;
  static final HttpClient http =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  @BeforeAll
  static void startStack() throws Exception {
    stack = HourglassStack.get();
  }

  @Test
  void a_newcomer_signs_in_creates_a_team_sees_the_shell_and_signs_out() throws Exception {
    try (var browser = new Browser()) {
      browser.driver.get(stack.appUrl() + "/");
      browser.waitFor(By.id("kc-login"));
      browser.screenshot("1-keycloak-sign-in");
      browser.signInAtKeycloak(HourglassRealm.NEWCOMER_USER, stack.demoPassword);

      browser.waitForText(By.id("welcome-title"), "Nico Newcomer");
      browser.waitFor(By.cssSelector("#team-name input")).sendKeys("Night Shift");
      browser.screenshot("2-create-your-team");
      browser.driver.findElement(By.id("create-team")).click();

      browser.waitForText(By.id("current-person"), "Nico Newcomer");
      browser.waitForText(By.id("current-tenant"), "Night Shift");
      assertThat(browser.waitFor(By.id("fleet-title")).getText()).isEqualTo("Databases");
      browser.screenshot("3-shell");

      browser.driver.findElement(By.id("sign-out")).click();
      browser.waitFor(By.id("signed-out"));
      browser.screenshot("4-signed-out");
      assertThat(browser.driver.getCurrentUrl()).startsWith(stack.appUrl() + "/signed-out");

      // The Keycloak session ended too: coming back asks for the password again.
      browser.driver.get(stack.appUrl() + "/");
      browser.waitForUrlContaining("/protocol/openid-connect/auth");
      assertThat(browser.waitFor(By.id("password")).isDisplayed()).isTrue();
    }
  }

  @Test
  void the_demo_user_lands_in_the_demo_team_without_creating_one() throws Exception {
    try (var browser = new Browser()) {
      browser.driver.get(stack.appUrl() + "/");
      browser.signInAtKeycloak(HourglassRealm.DEMO_USER, stack.demoPassword);

      browser.waitForText(By.id("current-person"), "Dana Demo");
      browser.waitForText(By.id("current-tenant"), "Demo Team");
    }
  }

  /** The SQL editor's custom element is a static file next to the Vaadin servlet at /*. */
  @Test
  void the_sql_editor_script_is_served_to_signed_in_people_only() throws Exception {
    var anonymous = get("/js/hourglass-sql-editor.js");
    assertThat(anonymous.statusCode()).isIn(302, 303);
    assertThat(anonymous.headers().firstValue("Location").orElseThrow())
        .startsWith(stack.keycloak.realmUrl());

    try (var browser = new Browser()) {
      browser.driver.get(stack.appUrl() + "/");
      browser.signInAtKeycloak(HourglassRealm.DEMO_USER, stack.demoPassword);
      browser.waitForText(By.id("current-tenant"), "Demo Team");

      var fetched =
          (String)
              ((JavascriptExecutor) browser.driver)
                  .executeAsyncScript(
                      """
                      const done = arguments[arguments.length - 1];
                      fetch('/js/hourglass-sql-editor.js', {redirect: 'manual'})
                        .then(async r => done(r.status + ' ' + r.headers.get('content-type') + '\\n' + await r.text()))
                        .catch(e => done('failed: ' + e));""");
      assertThat(fetched)
          .startsWith("200 application/javascript")
          .contains("customElements.define('hourglass-sql-editor'");
    }
  }

  @Test
  void a_wrong_password_shows_keycloaks_error_and_opens_no_app_session() throws Exception {
    try (var browser = new Browser()) {
      browser.driver.get(stack.appUrl() + "/");
      browser.signInAtKeycloak(HourglassRealm.DEMO_USER, "not-the-password");

      browser.waitForText(By.tagName("body"), "Invalid username or password");
      browser.driver.get(stack.appUrl() + "/");
      browser.waitForUrlContaining("/protocol/openid-connect/auth");
      assertThat(browser.driver.findElements(By.id("current-person"))).isEmpty();
    }
  }

  @Test
  void a_page_without_a_session_redirects_to_keycloak() throws Exception {
    var response = get("/");
    assertThat(response.statusCode()).isIn(302, 303);
    assertThat(response.headers().firstValue("Location").orElseThrow())
        .startsWith(stack.keycloak.realmUrl() + "/protocol/openid-connect/auth")
        .contains("client_id=hourglass");
  }

  @Test
  void a_tampered_session_cookie_goes_back_to_sign_in() throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create(stack.appUrl() + "/"))
            .header("Cookie", "JSESSIONID=forged-session-id-0123456789")
            .GET()
            .build();
    var response = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isIn(302, 303);
    assertThat(response.headers().firstValue("Location").orElseThrow())
        .startsWith(stack.keycloak.realmUrl());
  }

  @Test
  void health_probes_are_open_and_cover_database_jobs_and_mail() throws Exception {
    var live = get("/health/live");
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.body()).contains("\"hourglass\"").contains("\"UP\"");

    // The start-up self-check job reaches its CDI handler through JobRunr within a poll or two.
    var deadline = Instant.now().plus(Duration.ofSeconds(60));
    HttpResponse<String> ready = get("/health/ready");
    while (!ready.body().contains("selfCheck\":\"succeeded") && Instant.now().isBefore(deadline)) {
      Thread.sleep(500);
      ready = get("/health/ready");
    }
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body())
        .contains("\"name\":\"database\"", "\"name\":\"jobs\"", "\"name\":\"mail\"")
        .contains("selfCheck\":\"succeeded")
        .doesNotContain("DOWN");
  }

  @Test
  void the_signed_out_page_is_open() throws Exception {
    var response = get("/signed-out");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("You are signed out of Hourglass");
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(stack.appUrl() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
