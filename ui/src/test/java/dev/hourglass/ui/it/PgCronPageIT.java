package dev.hourglass.ui.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.hourglass.infra.HourglassRealm;
import dev.hourglass.infra.PgCronServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;

/**
 * The pg_cron page in the browser against a real pg_cron 1.4: two every-minute jobs, one adopted
 * through the dialog (unscheduled in pg_cron, run by Hourglass from then on), and the comparison's
 * timeline showing real runs of both: pg_cron's in job_run_details, the action's in the run
 * history.
 */
class PgCronPageIT {

  private static final Duration RUN_WAIT = Duration.ofSeconds(180);

  static HourglassStack stack;
  static PgCronServer cron;
  static String shop;
  static long tick;
  static long tock;

  @BeforeAll
  static void start() throws Exception {
    stack = HourglassStack.get();
    cron = PgCronServer.start();
    shop = cron.createDatabase("shop");
    try (var c = cron.connect(shop);
        var st = c.createStatement()) {
      st.execute("create table ticks (at timestamptz not null default now())");
      st.execute("create table tocks (at timestamptz not null default now())");
    }
    try (var c = cron.connect(cron.cronDatabase())) {
      tick = schedule(c, "tick", "insert into ticks values (now())");
      tock = schedule(c, "tock", "insert into tocks values (now())");
    }
  }

  @AfterAll
  static void stop() {
    if (cron != null) {
      cron.close();
    }
  }

  private static long schedule(Connection c, String name, String command) throws SQLException {
    try (var ps = c.prepareStatement("select cron.schedule_in_database(?, '* * * * *', ?, ?)")) {
      ps.setString(1, name);
      ps.setString(2, command);
      ps.setString(3, shop);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static String register(Browser browser, String name, String database) {
    browser.driver.get(stack.appUrl() + "/databases/edit");
    browser.waitForText(By.id("db-form-title"), "Register a database");
    browser.type("#db-name input", name);
    browser.type("#db-host input", "127.0.0.1");
    browser.type("#db-port input", Integer.toString(cron.port()));
    browser.type("#db-database input", database);
    browser.type("#db-user input", "postgres");
    browser.type("#db-password input", "x");
    browser.clickInView(By.id("db-save"));
    browser.waitForText(By.id("db-title"), name);
    var url = browser.driver.getCurrentUrl();
    return url.substring(url.lastIndexOf('/') + 1);
  }

  @Test
  void the_comparison_view_draws_real_pg_cron_runs_and_action_runs_on_one_timeline()
      throws Exception {
    try (var browser = new Browser()) {
      browser.driver.get(stack.appUrl() + "/");
      browser.signInAtKeycloak(HourglassRealm.DEMO_USER, stack.demoPassword);
      browser.waitForText(By.id("current-tenant"), "Demo Team");
      var suffix = UUID.randomUUID().toString().substring(0, 6);
      register(browser, "Cron " + suffix, cron.cronDatabase());
      var shopId = register(browser, "Shop " + suffix, shop);

      clickDespiteRedraw(browser, By.id("db-pgcron"));
      browser.waitForText(By.id("pgcron-title"), "pg_cron and Shop " + suffix);
      browser.waitForText(By.id("pgcron-site"), "pg_cron 1.4");
      browser.waitForText(By.id("pgcron-jobs"), "tock");

      // Adopt tock: pg_cron stops running it, Hourglass runs it from the next minute on.
      clickDespiteRedraw(browser, By.id("pgcron-adopt-" + tock));
      browser.waitFor(By.id("pgcron-adopt-go"));
      tick(browser, "pgcron-adopt-unschedule");
      // The confirmation appears once the server has seen the first tick.
      tick(browser, "pgcron-adopt-confirm");
      browser.clickInView(By.id("pgcron-adopt-go"));
      browser.waitForUrlContaining("/actions/");
      try (var c = cron.connect(cron.cronDatabase());
          var st = c.createStatement();
          var rs = st.executeQuery("select count(*) from cron.job where jobid = " + tock)) {
        rs.next();
        assertThat(rs.getLong(1)).isZero();
      }

      var page = stack.appUrl() + "/pg-cron/" + shopId + "?period=1h";
      long deadline = System.nanoTime() + RUN_WAIT.toNanos();
      String pgCronRuns = "0";
      String actionRuns = "0";
      while (true) {
        browser.driver.get(page);
        browser.waitFor(By.cssSelector("#pgcron-timeline svg"));
        pgCronRuns = runsOf(browser, "PG_CRON", "tick");
        actionRuns = runsOf(browser, "HOURGLASS", "pg_cron job " + tock + " (tock)");
        if (Integer.parseInt(pgCronRuns) > 0 && Integer.parseInt(actionRuns) > 0) {
          break;
        }
        if (System.nanoTime() > deadline) {
          fail(
              "Within "
                  + RUN_WAIT.toSeconds()
                  + " s the timeline showed "
                  + pgCronRuns
                  + " pg_cron runs of tick and "
                  + actionRuns
                  + " Hourglass runs of tock\n"
                  + cron.logTail());
        }
        Thread.sleep(5000);
      }
      assertThat(
              browser.driver.findElements(
                  By.cssSelector(
                      "#pgcron-timeline g.lane[data-source='PG_CRON'][data-name='tick']"
                          + " rect.run.succeeded")))
          .isNotEmpty();
      assertThat(
              browser.driver.findElements(
                  By.cssSelector(
                      "#pgcron-timeline g.lane[data-source='HOURGLASS'] rect.run.succeeded")))
          .isNotEmpty();
      // The SVG is drawn by the browser, not shown as text.
      var width =
          ((JavascriptExecutor) browser.driver)
              .executeScript(
                  "return document.querySelector('#pgcron-timeline svg').getBoundingClientRect()"
                      + ".width");
      assertThat(((Number) width).doubleValue()).isGreaterThan(500);
      browser.waitForText(By.id("pgcron-lanes"), "Hourglass");
      browser.waitForText(By.id("pgcron-lanes"), "100 %");
      browser.waitForText(By.id("pgcron-equivalents"), "pg_cron schedule: * * * * *");
      ((JavascriptExecutor) browser.driver)
          .executeScript(
              "document.getElementById('pgcron-compare').scrollIntoView({block: 'start'})");
      browser.screenshot("pgcron-comparison");
    }
  }

  /** Pages draw themselves again once the browser has told its time zone: retry a stale click. */
  private static void clickDespiteRedraw(Browser browser, By by) {
    for (int attempt = 1; ; attempt++) {
      try {
        browser.clickInView(by);
        return;
      } catch (StaleElementReferenceException redrawn) {
        if (attempt == 5) {
          throw redrawn;
        }
      }
    }
  }

  /** Ticks a Vaadin checkbox: its native input is visually hidden, so it is clicked by script. */
  private static void tick(Browser browser, String id) {
    browser.waitFor(By.id(id));
    var input = browser.driver.findElement(By.cssSelector("#" + id + " input"));
    ((JavascriptExecutor) browser.driver).executeScript("arguments[0].click()", input);
  }

  /**
   * The lane's run count, read in one script call: the page draws itself again once the browser has
   * told its time zone, which would leave a found element stale.
   */
  private static String runsOf(Browser browser, String source, String name) {
    var runs =
        ((JavascriptExecutor) browser.driver)
            .executeScript(
                "for (const g of document.querySelectorAll('#pgcron-timeline g.lane')) {"
                    + " if (g.dataset.source === arguments[0] && g.dataset.name === arguments[1])"
                    + " return g.dataset.runs; }"
                    + " return '0';",
                source,
                name);
    return String.valueOf(runs);
  }
}
