package dev.hourglass.ui.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.infra.HourglassRealm;
import dev.hourglass.infra.PostgresServer;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;

/**
 * An action authored in the browser: write the procedure, give a config, see the schedule's next
 * runs, save, run it now and read its notices.
 */
class ActionsIT {

  static HourglassStack stack;
  static PostgresServer target;

  @BeforeAll
  static void start() throws Exception {
    stack = HourglassStack.get();
    target = PostgresServer.embedded(null, 0);
  }

  @AfterAll
  static void stop() {
    target.close();
  }

  /** Puts SQL into the editor as typing and leaving it would (value, then the change event). */
  private static void writeSql(Browser browser, String sql) {
    var editor = browser.waitFor(By.id("action-sql"));
    ((JavascriptExecutor) browser.driver)
        .executeScript(
            "arguments[0].value = arguments[1];"
                + " arguments[0].dispatchEvent(new CustomEvent('change'))",
            editor,
            sql);
  }

  /** Registers a database through the form and returns its id from the page it lands on. */
  private static String registerDatabase(Browser browser, String name) {
    var database = target.createDatabase("shop");
    browser.driver.get(stack.appUrl() + "/databases/edit");
    browser.waitForText(By.id("db-form-title"), "Register a database");
    browser.type("#db-name input", name);
    browser.type("#db-host input", "127.0.0.1");
    browser.type("#db-port input", Integer.toString(target.port()));
    browser.type("#db-database input", database);
    browser.type("#db-user input", "postgres");
    browser.type("#db-password input", "x");
    browser.clickInView(By.id("db-save"));
    browser.waitForText(By.id("db-title"), name);
    var url = browser.driver.getCurrentUrl();
    return url.substring(url.lastIndexOf('/') + 1);
  }

  @Test
  void an_action_is_written_scheduled_previewed_saved_and_run_now_with_its_notices()
      throws Exception {
    var suffix = UUID.randomUUID().toString().substring(0, 6);
    try (var browser = new Browser()) {
      browser.driver.get(stack.appUrl() + "/");
      browser.signInAtKeycloak(HourglassRealm.DEMO_USER, stack.demoPassword);
      browser.waitForText(By.id("current-tenant"), "Demo Team");
      var databaseId = registerDatabase(browser, "Shop " + suffix);

      browser.driver.get(stack.appUrl() + "/actions/edit?database=" + databaseId);
      browser.waitForText(By.id("action-form-title"), "New action");
      ((JavascriptExecutor) browser.driver)
          .executeScript("document.querySelector('#action-write').opened = true");
      writeSql(
          browser,
          "CREATE PROCEDURE public.tidy_"
              + suffix
              + "(job_id integer, config jsonb) LANGUAGE plpgsql AS $$\n"
              + "BEGIN RAISE NOTICE 'tidying for job % keeping %', job_id, config->>'keep'; END $$;");
      browser.clickInView(By.id("action-sql-create"));
      browser.waitFor(By.xpath("//vaadin-combo-box[@id='action-routine' and @has-value]"));

      browser.type("#action-config textarea", "{\"keep\": ");
      browser.waitFor(By.xpath("//vaadin-text-area[@id='action-config' and @invalid]"));
      browser.type("#action-config textarea", "{\"keep\": 3}");
      browser.type("#action-name input", "Tidy " + suffix);
      browser.type("#schedule-interval input", "1 hour");
      browser.waitFor(By.cssSelector("#schedule-preview li:nth-child(10)"));
      assertThat(browser.driver.findElements(By.cssSelector("#schedule-preview li"))).hasSize(10);
      browser.screenshot("action-form");

      browser.clickInView(By.id("action-save"));
      browser.waitForText(By.id("action-title"), "Tidy " + suffix);
      browser.waitForText(By.id("action-status"), "Active");
      browser.clickInView(By.id("action-run-now"));
      browser.waitForText(By.id("run-outcome"), "Succeeded");
      assertThat(browser.driver.findElement(By.id("run-notices")).getText())
          .contains("NOTICE:  tidying for job ")
          .contains("keeping 3");
      browser.screenshot("action-run-now");

      browser.driver.get(stack.appUrl() + "/actions");
      browser.waitFor(By.cssSelector("[data-action='Tidy " + suffix + "']"));
    }
  }

  @Test
  void a_syntax_error_in_the_procedure_is_shown_with_its_line() throws Exception {
    try (var browser = new Browser()) {
      browser.driver.get(stack.appUrl() + "/");
      browser.signInAtKeycloak(HourglassRealm.DEMO_USER, stack.demoPassword);
      browser.waitForText(By.id("current-tenant"), "Demo Team");
      var databaseId =
          registerDatabase(browser, "Broken " + UUID.randomUUID().toString().substring(0, 6));
      browser.driver.get(stack.appUrl() + "/actions/edit?database=" + databaseId);
      browser.waitForText(By.id("action-form-title"), "New action");
      ((JavascriptExecutor) browser.driver)
          .executeScript("document.querySelector('#action-write').opened = true");
      writeSql(browser, "CREATE PROCEDURE p(job_id int, config jsonb)\nLANGUAG sql AS $$ $$;");
      browser.clickInView(By.id("action-sql-create"));
      browser.waitForText(By.id("action-sql-error"), "(line 2, column 1)");
      assertThat(browser.driver.findElement(By.id("action-sql")).getAttribute("error-line"))
          .as("the editor marks the line")
          .isEqualTo("2");
    }
  }
}
