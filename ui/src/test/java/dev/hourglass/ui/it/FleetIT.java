package dev.hourglass.ui.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.infra.FreePorts;
import dev.hourglass.infra.HourglassRealm;
import dev.hourglass.infra.PostgresServer;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The fleet in the browser: register a real database, see it on the dashboard, watch it turn
 * unreachable, without reloading, when its server stops.
 */
class FleetIT {

  static HourglassStack stack;

  @BeforeAll
  static void startStack() throws Exception {
    stack = HourglassStack.get();
  }

  private static void fillForm(Browser browser, String name, int port, String database) {
    browser.driver.get(stack.appUrl() + "/databases/edit");
    browser.waitForText(By.id("db-form-title"), "Register a database");
    browser.type("#db-name input", name);
    browser.type("#db-environment input", "staging");
    browser.type("#db-host input", "127.0.0.1");
    browser.type("#db-port input", Integer.toString(port));
    browser.type("#db-database input", database);
    browser.type("#db-user input", "postgres");
    browser.type("#db-password input", "any-password");
  }

  private static By row(String name) {
    return By.cssSelector("[data-database='" + name + "']");
  }

  private static By statusOf(String name, String status) {
    return By.cssSelector("span[data-status-of='" + name + "'][data-status='" + status + "']");
  }

  @Test
  void a_registered_database_shows_on_the_dashboard_and_turns_unreachable_when_it_stops()
      throws Exception {
    var target = PostgresServer.embedded(null, 0);
    var stopped = false;
    try {
      var database = target.createDatabase("orders");
      var name = "Orders " + UUID.randomUUID().toString().substring(0, 6);
      try (var browser = new Browser()) {
        browser.driver.get(stack.appUrl() + "/");
        browser.signInAtKeycloak(HourglassRealm.DEMO_USER, stack.demoPassword);
        browser.waitForText(By.id("current-tenant"), "Demo Team");

        fillForm(browser, name, target.port(), database);
        browser.driver.findElement(By.id("db-test")).click();
        browser.waitForText(By.id("db-result"), "PostgreSQL");
        browser.screenshot("database-form");
        browser.driver.findElement(By.id("db-save")).click();
        browser.waitForText(By.id("db-title"), name);
        browser.waitForText(By.id("db-status"), "Reachable");

        browser.driver.get(stack.appUrl() + "/");
        browser.waitFor(row(name));
        browser.waitFor(statusOf(name, "REACHABLE"));
        browser.screenshot("fleet-dashboard");

        // No reload from here on: the change must arrive by server push.
        target.close();
        stopped = true;
        var before = System.nanoTime();
        new WebDriverWait(browser.driver, Duration.ofSeconds(60))
            .until(d -> !d.findElements(statusOf(name, "UNREACHABLE")).isEmpty());
        var seconds = (System.nanoTime() - before) / 1e9;
        System.out.printf(
            "Dashboard showed %s unreachable %.1f s after its server stopped%n", name, seconds);
        browser.screenshot("fleet-dashboard-unreachable");
      }
    } finally {
      if (!stopped) {
        target.close();
      }
    }
  }

  @Test
  void a_connection_that_fails_is_explained_and_nothing_is_saved() throws Exception {
    var name = "Nowhere " + UUID.randomUUID().toString().substring(0, 6);
    try (var browser = new Browser()) {
      browser.driver.get(stack.appUrl() + "/");
      browser.signInAtKeycloak(HourglassRealm.DEMO_USER, stack.demoPassword);
      browser.waitForText(By.id("current-tenant"), "Demo Team");

      fillForm(browser, name, FreePorts.pick(), "nothing");
      browser.driver.findElement(By.id("db-save")).click();
      browser.waitForText(By.id("db-result"), "Nothing was saved");
      assertThat(browser.driver.findElement(By.id("db-result")).getAttribute("data-outcome"))
          .isEqualTo("REFUSED");

      browser.driver.get(stack.appUrl() + "/");
      browser.waitFor(By.id("fleet-grid"));
      assertThat(browser.driver.findElements(row(name))).isEmpty();
    }
  }

  @Test
  void a_database_id_that_is_not_the_teams_shows_nothing_of_it() throws Exception {
    try (var browser = new Browser()) {
      browser.driver.get(stack.appUrl() + "/");
      browser.signInAtKeycloak(HourglassRealm.DEMO_USER, stack.demoPassword);
      browser.waitForText(By.id("current-tenant"), "Demo Team");

      for (var id : new String[] {UUID.randomUUID().toString(), "not-an-id"}) {
        browser.driver.get(stack.appUrl() + "/databases/" + id);
        browser.waitFor(By.id("fleet-title"));
        assertThat(browser.driver.findElements(By.id("db-title"))).isEmpty();
        browser.driver.get(stack.appUrl() + "/databases/edit/" + id);
        browser.waitFor(By.id("fleet-title"));
        assertThat(browser.driver.findElements(By.id("db-form-title"))).isEmpty();
      }
    }
  }
}
