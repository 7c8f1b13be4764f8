package dev.hourglass.ui.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.infra.HourglassRealm;
import dev.hourglass.infra.PostgresServer;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * An action authored in the browser: write the procedure, give a config, see the schedule's next
 * runs, save, run it now and read its notices; and watch a scheduled action's runs arrive.
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

  /**
   * Signs in as the demo user, registers a database called {@code databaseName}, opens the form for
   * a new action on it with the SQL editor showing, and returns the database's id.
   */
  private static String openNewActionForm(Browser browser, String databaseName) {
    browser.driver.get(stack.appUrl() + "/");
    browser.signInAtKeycloak(HourglassRealm.DEMO_USER, stack.demoPassword);
    browser.waitForText(By.id("current-tenant"), "Demo Team");
    var databaseId = registerDatabase(browser, databaseName);
    browser.driver.get(stack.appUrl() + "/actions/edit?database=" + databaseId);
    browser.waitForText(By.id("action-form-title"), "New action");
    ((JavascriptExecutor) browser.driver)
        .executeScript("document.querySelector('#action-write').opened = true");
    return databaseId;
  }

  /** Creates the SQL in the database; the form then picks the new procedure. */
  private static void createProcedure(Browser browser, String sql) {
    writeSql(browser, sql);
    browser.clickInView(By.id("action-sql-create"));
    browser.waitFor(By.xpath("//vaadin-combo-box[@id='action-routine' and @has-value]"));
  }

  @Test
  void an_action_is_written_scheduled_previewed_saved_and_run_now_with_its_notices()
      throws Exception {
    var suffix = UUID.randomUUID().toString().substring(0, 6);
    try (var browser = new Browser()) {
      openNewActionForm(browser, "Shop " + suffix);
      createProcedure(
          browser,
          "CREATE PROCEDURE public.tidy_"
              + suffix
              + "(job_id integer, config jsonb) LANGUAGE plpgsql AS $$\n"
              + "BEGIN RAISE NOTICE 'tidying for job % keeping %', job_id, config->>'keep'; END $$;");

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
  void runs_of_a_scheduled_action_appear_on_its_page_with_their_errors_and_statistics()
      throws Exception {
    var suffix = UUID.randomUUID().toString().substring(0, 6);
    var name = "Feed " + suffix;
    try (var browser = new Browser()) {
      var databaseId = openNewActionForm(browser, "Partners " + suffix);
      createProcedure(
          browser,
          "CREATE SEQUENCE public.feed_calls_"
              + suffix
              + ";\nCREATE PROCEDURE public.feed_"
              + suffix
              + "(job_id integer, config jsonb) LANGUAGE plpgsql AS $$\n"
              + "BEGIN\n"
              + "  RAISE NOTICE 'fetching % for job %', config->>'partner', job_id;\n"
              + "  IF nextval('public.feed_calls_"
              + suffix
              + "') % 2 = 0 THEN\n"
              + "    RAISE EXCEPTION 'partner feed is down' USING ERRCODE = 'HG001',\n"
              + "      DETAIL = 'HTTP 503 from feed.example.com',\n"
              + "      HINT = 'It usually comes back within the hour.';\n"
              + "  END IF;\n"
              + "END $$;");
      browser.type("#action-config textarea", "{\"partner\": \"acme\"}");
      browser.type("#action-name input", name);
      browser.type("#schedule-interval input", "2 seconds");
      browser.type("#schedule-retry-period input", "2 seconds");
      browser.clickInView(By.id("action-save"));
      browser.waitForText(By.id("action-title"), name);
      var actionUrl = browser.driver.getCurrentUrl();
      var actionId = actionUrl.substring(actionUrl.lastIndexOf('/') + 1);

      // No reload from here on: the runs arrive by server push as the dispatcher records them,
      // and each refresh may redraw the rows, so every look at them is retried.
      until(
          browser,
          60,
          d ->
              !d.findElements(By.cssSelector("#action-runs [data-run-status='FAILED']")).isEmpty()
                  && !d.findElements(By.cssSelector("#action-runs [data-run-status='SUCCEEDED']"))
                      .isEmpty()
                  && Integer.parseInt(
                          d.findElement(By.id("runs-note")).getAttribute("data-finished"))
                      >= 5);
      until(
          browser,
          10,
          d ->
              texts(d, "#action-runs [data-lag]").stream()
                  .anyMatch(t -> t.matches("\\d+(\\.\\d)? (ms|s)")));
      until(
          browser,
          10,
          d -> texts(d, "#action-runs [data-error]").contains("HG001: partner feed is down"));

      ((JavascriptExecutor) browser.driver)
          .executeScript("document.querySelector('#run-history').scrollIntoView({block: 'start'})");
      until(
          browser,
          10,
          d -> {
            d.findElement(By.cssSelector("#action-runs [data-run-status='FAILED']")).click();
            return true;
          });
      var details = By.cssSelector("[id^='run-details-']");
      browser.waitForText(details, "ERROR HG001: partner feed is down");
      browser.waitForText(details, "DETAIL: HTTP 503 from feed.example.com");
      browser.waitForText(details, "HINT: It usually comes back within the hour.");
      browser.waitForText(details, "NOTICE:  fetching acme for job ");
      browser.waitForText(details, "\"partner\": \"acme\"");
      browser.screenshot("action-runs");

      // Paused, the runs stop; once the last one is recorded, the summary counts the grid's runs.
      browser.clickInView(By.id("action-pause"));
      browser.waitForText(By.id("action-status"), "Paused");
      until(
          browser,
          30,
          d -> {
            var note = d.findElement(By.id("runs-note"));
            var finished = note.getAttribute("data-finished");
            return finished.equals(note.getAttribute("data-shown"))
                && finished.equals(d.findElement(By.id("stats-total")).getText());
          });
      int succeeded = number(browser, "stats-succeeded");
      int failed = number(browser, "stats-failed");
      assertThat(succeeded + failed).isEqualTo(number(browser, "stats-total"));
      assertThat(browser.driver.findElement(By.id("runs-note")).getText())
          .contains(succeeded + " succeeded")
          .contains(failed + " failed");
      assertThat(number(browser, "stats-crashed")).isZero();

      // The team's run history, narrowed to this action by its address: the same runs and stats.
      // (A page holds 50 runs; on a slow machine the action may have run more often than that.)
      browser.driver.get(stack.appUrl() + "/history?action=" + actionId);
      until(
          browser,
          30,
          d ->
              Integer.toString(Math.min(succeeded + failed, 50))
                  .equals(d.findElement(By.id("history-note")).getAttribute("data-shown")));
      assertThat(number(browser, "history-total")).isEqualTo(succeeded + failed);
      assertThat(number(browser, "history-failed")).isEqualTo(failed);
      // job_errors: SQLSTATE and text in the error, typed in; only the failed runs remain.
      browser.type("#history-sqlstate input", "hg001");
      browser.type("#history-text input", "feed is DOWN");
      browser.clickInView(By.id("history-search"));
      until(
          browser,
          30,
          d ->
              Integer.toString(Math.min(failed, 50))
                  .equals(d.findElement(By.id("history-note")).getAttribute("data-shown")));
      // (The grid keeps emptied cells of earlier rows around; only filled ones count.)
      assertThat(
              texts(browser.driver, "#history-runs [data-run-status]").stream()
                  .filter(t -> !t.isEmpty()))
          .isNotEmpty()
          .allMatch(t -> t.equals("Failed"));
      assertThat(browser.driver.getCurrentUrl()).contains("sqlstate=HG001");
      browser.screenshot("run-history-search");
      // A malformed SQLSTATE is refused at the field, with what to type.
      browser.type("#history-sqlstate input", "HG0");
      browser.clickInView(By.id("history-search"));
      browser.waitFor(By.xpath("//vaadin-text-field[@id='history-sqlstate' and @invalid]"));
      assertThat(browser.driver.findElement(By.id("history-sqlstate")).getAttribute("errorMessage"))
          .contains("five letters or digits");

      // A run's own page, as alert mails link to it.
      browser.type("#history-sqlstate input", "HG001");
      browser.clickInView(By.id("history-search"));
      until(
          browser,
          10,
          d -> {
            d.findElement(By.cssSelector("#history-runs a[data-run-link]")).click();
            return true;
          });
      browser.waitForText(By.id("run-status"), "Failed");
      browser.waitForText(By.id("run-page"), "ERROR HG001: partner feed is down");
      browser.waitForText(By.id("run-page"), "HINT: It usually comes back within the hour.");
      assertThat(browser.driver.findElement(By.id("run-action-link")).getText()).contains(name);
      browser.screenshot("run-page");

      // The team's run retention, on the team page: the defaults, then a shorter age saved.
      browser.driver.get(stack.appUrl() + "/team");
      browser.waitForText(By.id("retention-state"), "");
      until(
          browser,
          10,
          d ->
              !d.findElement(By.cssSelector("#retention-count input"))
                  .getAttribute("value")
                  .isEmpty());
      browser.type("#retention-days input", "30");
      browser.clickInView(By.id("retention-save"));
      browser.waitForText(By.id("retention-state"), "Last changed");
      assertThat(
              browser
                  .driver
                  .findElement(By.cssSelector("#retention-days input"))
                  .getAttribute("value"))
          .isEqualTo("30");

      browser.driver.get(stack.appUrl() + "/actions");
      browser.waitFor(By.cssSelector("[data-last-run-of='" + name + "'][data-run-status]"));
      browser.driver.get(stack.appUrl() + "/databases/" + databaseId);
      browser.waitFor(By.cssSelector("#db-actions [data-last-run-of='" + name + "']"));
    }
  }

  private static List<String> texts(WebDriver driver, String css) {
    return driver.findElements(By.cssSelector(css)).stream().map(e -> e.getText().strip()).toList();
  }

  /** Waits for {@code condition}, looking again when a refresh replaced what it was reading. */
  private static void until(Browser browser, int seconds, Function<WebDriver, Boolean> condition) {
    new WebDriverWait(browser.driver, Duration.ofSeconds(seconds))
        .ignoring(StaleElementReferenceException.class)
        .until(condition);
  }

  private static int number(Browser browser, String id) {
    return Integer.parseInt(browser.driver.findElement(By.id(id)).getText().strip());
  }

  @Test
  void a_syntax_error_in_the_procedure_is_shown_with_its_line() throws Exception {
    try (var browser = new Browser()) {
      openNewActionForm(browser, "Broken " + UUID.randomUUID().toString().substring(0, 6));
      writeSql(browser, "CREATE PROCEDURE p(job_id int, config jsonb)\nLANGUAG sql AS $$ $$;");
      browser.clickInView(By.id("action-sql-create"));
      browser.waitForText(By.id("action-sql-error"), "(line 2, column 1)");
      assertThat(browser.driver.findElement(By.id("action-sql")).getAttribute("error-line"))
          .as("the editor marks the line")
          .isEqualTo("2");
    }
  }
}
