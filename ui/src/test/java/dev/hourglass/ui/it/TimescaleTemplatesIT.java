package dev.hourglass.ui.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.infra.HourglassRealm;
import dev.hourglass.infra.PostgresServer;
import dev.hourglass.infra.TimescaleServer;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * A template picked on a database's TimescaleDB page, its form filled (a wrong value first, which
 * the form names), installed and run now, doing its work. This runs against the plain-PostgreSQL
 * variant (partition retention): PGlite serves one connection at a time, while the app's pools, its
 * fleet monitor and the dispatcher open several; the TimescaleDB templates are shown working on
 * TimescaleDB by the backend's TemplatesIT.
 */
class TimescaleTemplatesIT {

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

  /** Follows the database page's link; the page redraws once it knows the browser's time zone. */
  private static void openTimescalePage(Browser browser) {
    for (int attempt = 1; ; attempt++) {
      try {
        browser.clickInView(By.id("db-timescale"));
        return;
      } catch (org.openqa.selenium.StaleElementReferenceException e) {
        if (attempt == 5) {
          throw e;
        }
      }
    }
  }

  @Test
  void on_timescaledb_a_native_job_is_adopted_and_generic_retention_drops_old_chunks()
      throws Exception {
    var suffix = UUID.randomUUID().toString().substring(0, 6);
    try (var tsdb =
        TimescaleServer.start(
            new TimescaleServer.Options(
                Path.of("target", "tsdb-browser"), false, Duration.ofSeconds(120), null))) {
      // Set up before the app connects: PGlite serves one connection at a time.
      try (var c = DriverManager.getConnection(tsdb.jdbcUrl(), tsdb.user(), tsdb.password());
          var st = c.createStatement()) {
        st.execute("create table public.metrics (time timestamptz not null, v int)");
        st.execute(
            "select 1 from create_hypertable('public.metrics', 'time',"
                + " chunk_time_interval => interval '1 day')");
        st.execute(
            "insert into public.metrics select t, 1 from generate_series(now() - interval '10"
                + " days', now(), interval '1 hour') t");
        // The native job reports the chunks; adopted, it shows what the template did.
        st.execute(
            "create procedure public.count_chunks(job_id integer, config jsonb) language plpgsql"
                + " as $$ begin raise notice 'metrics has % chunks', (select count(*) from"
                + " public.show_chunks('public.metrics')); end $$");
        st.execute(
            "select public.add_job('public.count_chunks', '1 day', initial_start =>"
                + " '2030-01-01 00:00+00')");
      }
      try (var browser = new Browser()) {
        browser.driver.get(stack.appUrl() + "/");
        browser.signInAtKeycloak(HourglassRealm.DEMO_USER, stack.demoPassword);
        browser.waitForText(By.id("current-tenant"), "Demo Team");
        browser.driver.get(stack.appUrl() + "/databases/edit");
        browser.waitForText(By.id("db-form-title"), "Register a database");
        browser.type("#db-name input", "Metrics " + suffix);
        browser.type("#db-host input", "127.0.0.1");
        browser.type("#db-port input", Integer.toString(tsdb.port()));
        browser.type("#db-database input", "template1");
        browser.type("#db-user input", tsdb.user());
        browser.type("#db-password input", tsdb.password());
        // pglite-socket does not answer PostgreSQL's SSL request: sslmode=disable.
        browser.clickInView(By.id("db-ssl"));
        browser.clickInView(
            By.xpath("//vaadin-select-item[starts-with(normalize-space(.), 'disable')]"));
        browser.clickInView(By.id("db-save"));
        browser.waitForText(By.id("db-title"), "Metrics " + suffix);

        openTimescalePage(browser);
        browser.waitForText(By.id("ts-title"), "TimescaleDB on Metrics " + suffix);
        browser.clickInView(By.cssSelector("[data-adopt='1000']"));
        browser.clickInView(By.id("ts-confirm"));
        browser.waitForText(By.id("ts-native-jobs"), "Adopted: open action");
        browser.screenshot("timescale-adopted");
        var adopted =
            browser.driver.findElement(By.linkText("Adopted: open action")).getAttribute("href");

        browser.clickInView(By.cssSelector("[data-use-template='GENERIC_RETENTION']"));
        browser.type("#tpl-job_name input", "Old metrics " + suffix);
        browser.type("#tpl-drop_after input", "5 days");
        browser.clickInView(By.id("tpl-install"));
        browser.waitForText(By.id("action-title"), "Old metrics " + suffix);
        browser.clickInView(By.id("action-run-now"));
        browser.waitForText(By.id("run-outcome"), "Succeeded");

        browser.driver.get(adopted);
        browser.waitForText(By.id("action-title"), "count_chunks (TimescaleDB job 1000)");
        browser.clickInView(By.id("action-run-now"));
        browser.waitForText(By.id("run-outcome"), "Succeeded");
        // 10 days of hourly rows in daily chunks: 11 chunks, of which those older than 5 days
        // are gone, leaving 6.
        assertThat(browser.driver.findElement(By.id("run-notices")).getText())
            .contains("metrics has 6 chunks");
      }
    }
  }

  @Test
  void a_template_is_picked_filled_in_installed_and_run_now_on_a_partitioned_table()
      throws Exception {
    var suffix = UUID.randomUUID().toString().substring(0, 6);
    var database = target.createDatabase("events");
    try (var c = target.connect(database);
        var st = c.createStatement()) {
      st.execute(
          "create table public.events (at timestamptz not null, v int) partition by range (at)");
      st.execute(
          "create table public.events_2020 partition of public.events"
              + " for values from ('2020-01-01') to ('2021-01-01')");
      st.execute(
          "create table public.events_now partition of public.events"
              + " for values from ('2021-01-01') to (maxvalue)");
    }
    try (var browser = new Browser()) {
      browser.driver.get(stack.appUrl() + "/");
      browser.signInAtKeycloak(HourglassRealm.DEMO_USER, stack.demoPassword);
      browser.waitForText(By.id("current-tenant"), "Demo Team");
      browser.driver.get(stack.appUrl() + "/databases/edit");
      browser.waitForText(By.id("db-form-title"), "Register a database");
      browser.type("#db-name input", "Events " + suffix);
      browser.type("#db-host input", "127.0.0.1");
      browser.type("#db-port input", Integer.toString(target.port()));
      browser.type("#db-database input", database);
      browser.type("#db-user input", "postgres");
      browser.type("#db-password input", "x");
      browser.clickInView(By.id("db-save"));
      browser.waitForText(By.id("db-title"), "Events " + suffix);

      openTimescalePage(browser);
      browser.waitForText(By.id("ts-title"), "TimescaleDB on Events " + suffix);
      browser.waitForText(By.id("ts-native-jobs"), "TimescaleDB is not installed");
      browser.waitFor(By.cssSelector("[data-missing='GENERIC_RETENTION']"));
      browser.screenshot("timescale-templates");
      browser.clickInView(By.cssSelector("[data-use-template='PARTITION_RETENTION']"));

      browser.type("#tpl-job_name input", "Old events " + suffix);
      browser.type("#tpl-drop_after input", "soon");
      browser.clickInView(By.id("tpl-install"));
      browser.waitFor(By.xpath("//vaadin-text-field[@id='tpl-drop_after' and @invalid]"));
      browser.type("#tpl-drop_after input", "365 days");
      browser.type("#tpl-table_pattern input", "events");
      browser.screenshot("timescale-template-form");
      browser.clickInView(By.id("tpl-install"));

      browser.waitForText(By.id("action-title"), "Old events " + suffix);
      browser.clickInView(By.id("action-run-now"));
      browser.waitForText(By.id("run-outcome"), "Succeeded");
      // The action's first start is now (as with add_job), so the dispatcher may have dropped the
      // partition before this run: either way the run succeeds and the partition is gone below.
      assertThat(browser.driver.findElement(By.id("run-notices")).getText())
          .containsPattern("dropped (partition public.events_2020|0 partition)");
    }
    try (var c = target.connect(database);
        var rs =
            c.createStatement()
                .executeQuery(
                    "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid"
                        + " where i.inhparent = 'public.events'::regclass")) {
      var left = new ArrayList<String>();
      while (rs.next()) {
        left.add(rs.getString(1));
      }
      assertThat(left).containsExactly("events_now");
    }
  }
}
