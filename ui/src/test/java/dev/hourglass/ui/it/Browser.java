package dev.hourglass.ui.it;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Headless Chromium from the system packages, with a fresh profile per browser. */
final class Browser implements AutoCloseable {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  final WebDriver driver;
  private final Path profile;

  Browser() throws Exception {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      throw new IllegalStateException(
          "Browser tests need Chromium and ChromeDriver: run `sudo apt-get install -y chromium"
              + " chromium-driver` (./hourglass test does it when it runs as root)");
    }
    profile = Files.createTempDirectory("hourglass-chromium");
    var options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        "--user-data-dir=" + profile);
    var service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
  }

  WebElement waitFor(By by) {
    return until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  void waitForText(By by, String text) {
    until(ExpectedConditions.textToBePresentInElementLocated(by, text));
  }

  void waitForUrlContaining(String fragment) {
    until(ExpectedConditions.urlContains(fragment));
  }

  /**
   * Clears the input {@code css} finds and types {@code text}, then Tab (which commits it), after
   * scrolling it to the middle of the shell's scrolling content area.
   */
  void type(String css, String text) {
    scrollIntoView(until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(css))));
    var input = waitFor(By.cssSelector(css));
    input.sendKeys(
        org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL, "a"),
        org.openqa.selenium.Keys.BACK_SPACE);
    input.sendKeys(text, org.openqa.selenium.Keys.TAB);
  }

  /** Clicks an element after scrolling it to the middle, where no overlay or header covers it. */
  void clickInView(By by) {
    var element = waitFor(by);
    scrollIntoView(element);
    element.click();
  }

  private void scrollIntoView(WebElement element) {
    ((org.openqa.selenium.JavascriptExecutor) driver)
        .executeScript("arguments[0].scrollIntoView({block: 'center'})", element);
  }

  /** Waits, and on time-out says where the browser was and what it showed. */
  private <T> T until(ExpectedCondition<T> condition) {
    try {
      return new WebDriverWait(driver, Duration.ofSeconds(30)).until(condition);
    } catch (TimeoutException e) {
      try {
        screenshot("failure-" + System.currentTimeMillis());
      } catch (java.io.IOException | RuntimeException ignored) {
        // The page source below still says where the browser was.
      }
      var source = driver.getPageSource();
      throw new AssertionError(
          "at "
              + driver.getCurrentUrl()
              + " page: "
              + (source.length() > 3000 ? source.substring(0, 3000) + "..." : source)
              + "\n"
              + e.getMessage(),
          e);
    }
  }

  /** Saves what the browser shows to target/screenshots/NAME.png, for the user guide. */
  void screenshot(String name) throws java.io.IOException {
    var png = ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
    var dir = Path.of("target", "screenshots");
    Files.createDirectories(dir);
    Files.write(dir.resolve(name + ".png"), png);
  }

  /** Fills Keycloak's own login form. */
  void signInAtKeycloak(String username, String password) {
    waitForUrlContaining("/protocol/openid-connect/auth");
    waitFor(By.id("username")).sendKeys(username);
    driver.findElement(By.id("password")).sendKeys(password);
    driver.findElement(By.id("kc-login")).click();
  }

  @Override
  public void close() throws Exception {
    try {
      driver.quit();
    } finally {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
