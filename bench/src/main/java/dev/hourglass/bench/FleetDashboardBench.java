package dev.hourglass.bench;

import dev.hourglass.database.internal.JdbcDatabaseService;
import dev.hourglass.infra.DevStack;
import dev.hourglass.infra.FreePorts;
import dev.hourglass.infra.HourglassRealm;
import dev.hourglass.platform.DemoData;
import dev.hourglass.security.Caller;
import dev.hourglass.security.SecretBox;
import dev.hourglass.tenant.TenantId;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The fleet dashboard with 500 databases in one team, measured end to end: the whole local stack
 * (./hourglass run's), a team of 503 databases (the demo three plus 500), a real Chromium.
 *
 * <p>Figures: the service call behind the page (list and change mark, as the app role under
 * row-level security), the page load until all 503 rows are in the grid, a search until the grid
 * shows the one match, and a status change until the browser shows it by server push. Results go to
 * stdout and bench/results/fleet-dashboard.txt. Run with {@code ./hourglass bench}.
 */
public final class FleetDashboardBench {

  static final int DATABASES = 500;
  static final int PAGE_LOADS = 15;
  static final int SERVICE_CALLS = 200;
  static final int PUSHES = 10;

  public static void main(String[] args) throws Exception {
    var home = Files.createTempDirectory("hourglass-bench");
    var env = new HashMap<>(System.getenv());
    env.put("HOURGLASS_HOME", home.toString());
    env.put("HOURGLASS_PORT", Integer.toString(FreePorts.pick()));
    env.put("HOURGLASS_KEYCLOAK_PORT", Integer.toString(FreePorts.pick()));
    env.put("HOURGLASS_MAIL_SMTP_PORT", Integer.toString(FreePorts.pick()));
    env.put("HOURGLASS_MAIL_WEB_PORT", Integer.toString(FreePorts.pick()));
    env.remove("HOURGLASS_DB_URL");
    var report = new StringBuilder();
    try (var stack = DevStack.start(DevStack.Settings.from(env, Path.of("").toAbsolutePath()))) {
      var app = stack.appEnvironment();
      seed(app, report);
      measureService(app, report);
      measureBrowser(stack, app, report);
    } finally {
      deleteTree(home);
    }
    System.out.println(report);
    var out = Path.of("bench", "results");
    Files.createDirectories(out);
    Files.writeString(out.resolve("fleet-dashboard.txt"), report.toString());
  }

  /** 500 more databases in Demo Team, pointing at the demo Sales database (so checks succeed). */
  static void seed(java.util.Map<String, String> app, StringBuilder report) throws Exception {
    var keys = app.get("HOURGLASS_SECRETS_KEYS");
    var box = new SecretBox(SecretBox.parseKeys(keys), app.get("HOURGLASS_SECRETS_ACTIVE_KEY"));
    var sales = app.get("HOURGLASS_DEMO_TARGETS").split(",")[0]; // Sales=127.0.0.1:port/demo_sales
    var hostPort = sales.substring(sales.indexOf('=') + 1, sales.indexOf('/'));
    var port = Integer.parseInt(hostPort.substring(hostPort.indexOf(':') + 1));
    try (var c = owner(app)) {
      c.setAutoCommit(false);
      // The app created the demo team at start; wait for it in case seeding is still running.
      waitForDemoTeam(c);
      var now = Timestamp.from(Instant.now());
      try (var ps =
          c.prepareStatement(
              """
              insert into target_database (id, tenant_id, name, environment, host, port,
                  database_name, username, password_sealed, password_key_id, ssl_mode,
                  created_at, created_by, updated_at)
              values (?, ?, ?, ?, '127.0.0.1', ?, 'demo_sales', 'postgres', ?, ?, 'DISABLE', ?, ?, ?)
              """)) {
        for (int i = 0; i < DATABASES; i++) {
          var id = UUID.randomUUID();
          var sealed =
              box.seal("", "tenant/" + DemoData.DEMO_TENANT + "/database/" + id + "/password");
          ps.setObject(1, id);
          ps.setObject(2, DemoData.DEMO_TENANT);
          ps.setString(3, String.format(Locale.ROOT, "Bench %04d", i));
          ps.setString(4, i % 3 == 0 ? "production" : i % 3 == 1 ? "staging" : "dev");
          ps.setInt(5, port);
          ps.setBytes(6, sealed);
          ps.setString(7, SecretBox.keyIdOf(sealed));
          ps.setTimestamp(8, now);
          ps.setString(9, DemoData.DEMO_SUBJECT);
          ps.setTimestamp(10, now);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      c.commit();
    }
    report
        .append("Fleet dashboard benchmark, ")
        .append(Instant.now())
        .append(", ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores\nTeam size: ")
        .append(DATABASES + 3)
        .append(" databases (500 seeded + 3 demo)\n");
  }

  static void measureService(java.util.Map<String, String> app, StringBuilder report) {
    var ds = new PGSimpleDataSource();
    ds.setUrl(app.get("HOURGLASS_DB_URL"));
    ds.setUser(app.get("HOURGLASS_DB_APP_USER"));
    ds.setPassword(app.get("HOURGLASS_DB_APP_PASSWORD"));
    var service = new JdbcDatabaseService(ds, Clock.systemUTC(), null, null);
    var demo = new Caller(DemoData.DEMO_SUBJECT, "demo", "Dana Demo", "demo@hourglass.local");
    var tenant = new TenantId(DemoData.DEMO_TENANT);
    var list = new ArrayList<Double>();
    var mark = new ArrayList<Double>();
    int rows = 0;
    for (int i = 0; i < SERVICE_CALLS; i++) {
      long t = System.nanoTime();
      rows = service.list(demo, tenant).size();
      list.add(ms(t));
      t = System.nanoTime();
      service.changeMark(demo, tenant);
      mark.add(ms(t));
    }
    report
        .append("\nService (new connection per call, app role under RLS), ")
        .append(SERVICE_CALLS)
        .append(" calls each\n")
        .append(line("  list(" + rows + " rows)", list))
        .append(line("  changeMark", mark));
  }

  static void measureBrowser(
      DevStack stack, java.util.Map<String, String> app, StringBuilder report) throws Exception {
    var profile = Files.createTempDirectory("hourglass-bench-chromium");
    var options = new ChromeOptions();
    options.setBinary(new File("/usr/bin/chromium"));
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--window-size=1400,1000",
        "--user-data-dir=" + profile);
    var service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File("/usr/bin/chromedriver"))
            .usingAnyFreePort()
            .build();
    WebDriver driver = new ChromeDriver(service, options);
    try {
      var wait = new WebDriverWait(driver, Duration.ofSeconds(120));
      driver.get(stack.appUrl() + "/");
      wait.until(d -> d.getCurrentUrl().contains("/protocol/openid-connect/auth"));
      driver.findElement(By.id("username")).sendKeys(HourglassRealm.DEMO_USER);
      driver.findElement(By.id("password")).sendKeys(stack.demoPassword());
      driver.findElement(By.id("kc-login")).click();
      var total = (DATABASES + 3) + " databases";
      wait.until(d -> d.findElement(By.id("fleet-summary")).getText().startsWith(total));

      var loads = new ArrayList<Double>();
      for (int i = 0; i < PAGE_LOADS; i++) {
        long t = System.nanoTime();
        driver.navigate().refresh();
        wait.until(
            d ->
                !d.findElements(By.id("fleet-summary")).isEmpty()
                    && d.findElement(By.id("fleet-summary")).getText().startsWith(total)
                    && !d.findElements(By.cssSelector("[data-database='Bench 0000']")).isEmpty());
        loads.add(ms(t));
      }

      var searches = new ArrayList<Double>();
      var pushes = new ArrayList<Double>();
      for (int i = 0; i < PUSHES; i++) {
        var name = String.format(Locale.ROOT, "Bench %04d", 37 * i + 11);
        var input = driver.findElement(By.cssSelector("#fleet-search input"));
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
        long t = System.nanoTime();
        input.sendKeys(name);
        wait.until(
            d ->
                !d.findElements(By.cssSelector("[data-database='" + name + "']")).isEmpty()
                    && Long.valueOf(1)
                        .equals(
                            ((org.openqa.selenium.JavascriptExecutor) d)
                                .executeScript(
                                    "return document.querySelector('#fleet-grid').size")));
        searches.add(ms(t));

        // Status changes written to the control plane as the fleet monitor writes them: down,
        // then up again, each measured until the browser shows it.
        for (var status : new String[] {"UNREACHABLE", "REACHABLE"}) {
          try (var c = owner(app);
              var ps =
                  c.prepareStatement(
                      "update target_database set reachable = ?, status_since = now(),"
                          + " last_check_at = now() where name = ?")) {
            ps.setBoolean(1, status.equals("REACHABLE"));
            ps.setString(2, name);
            t = System.nanoTime();
            ps.executeUpdate();
          }
          var statusOfRow =
              By.cssSelector("span[data-status-of='" + name + "'][data-status='" + status + "']");
          wait.until(d -> !d.findElements(statusOfRow).isEmpty());
          pushes.add(ms(t));
        }
      }
      report
          .append("\nBrowser (headless Chromium, same machine)\n")
          .append(line("  page load to 503 rows", loads))
          .append(line("  search to 1 match (incl. 400 ms input debounce)", searches))
          .append(line("  status change to screen (push, 2 s poll)", pushes));
    } finally {
      driver.quit();
      deleteTree(profile);
    }
  }

  static Connection owner(java.util.Map<String, String> app) throws Exception {
    return DriverManager.getConnection(
        app.get("HOURGLASS_DB_URL"),
        app.get("HOURGLASS_DB_USER"),
        app.get("HOURGLASS_DB_PASSWORD"));
  }

  static void waitForDemoTeam(Connection c) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      try (var ps =
          c.prepareStatement("select count(*) from target_database where tenant_id = ?")) {
        ps.setObject(1, DemoData.DEMO_TENANT);
        try (var rs = ps.executeQuery()) {
          rs.next();
          if (rs.getInt(1) >= 3) {
            c.commit();
            return;
          }
        }
      }
      c.commit();
      Thread.sleep(250);
    }
    throw new IllegalStateException("The demo team's databases did not appear");
  }

  static double ms(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e6;
  }

  static String line(String what, List<Double> samples) {
    var sorted = new ArrayList<>(samples);
    sorted.sort(Comparator.naturalOrder());
    return String.format(
        Locale.ROOT,
        "%-52s n=%3d  p50=%8.1f ms  p95=%8.1f ms  max=%8.1f ms%n",
        what,
        sorted.size(),
        pct(sorted, 0.50),
        pct(sorted, 0.95),
        sorted.get(sorted.size() - 1));
  }

  static double pct(List<Double> sorted, double p) {
    int i = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (Exception e) {
      System.err.println("Could not delete " + dir + ": " + e);
    }
  }
}
