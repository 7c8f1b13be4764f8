package dev.hourglass.ui.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.infra.HourglassRealm;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * An idle session ends after HOURGLASS_SESSION_TIMEOUT_MINUTES (1 in the test stack). There is no
 * clock to move inside a real server, so this test waits out the timeout once.
 */
class SessionExpiryIT {

  @Test
  void an_idle_session_expires_and_its_cookie_goes_back_to_sign_in() throws Exception {
    var stack = HourglassStack.get();
    String sessionId;
    try (var browser = new Browser()) {
      browser.driver.get(stack.appUrl() + "/");
      browser.signInAtKeycloak(HourglassRealm.DEMO_USER, stack.demoPassword);
      browser.waitForText(By.id("current-person"), "Dana Demo");
      sessionId = browser.driver.manage().getCookieNamed("JSESSIONID").getValue();
    }
    var http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    var request =
        HttpRequest.newBuilder(URI.create(stack.appUrl() + "/"))
            .header("Cookie", "JSESSIONID=" + sessionId)
            .GET()
            .build();

    var whileActive = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(whileActive.statusCode()).as("the signed-in session serves the app").isEqualTo(200);

    Thread.sleep(Duration.ofSeconds(75).toMillis()); // idle past the 1-minute timeout

    var afterIdle = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(afterIdle.statusCode()).isIn(302, 303);
    assertThat(afterIdle.headers().firstValue("Location").orElseThrow())
        .startsWith(stack.keycloak.realmUrl() + "/protocol/openid-connect/auth");
  }
}
