package dev.hourglass.ui.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.infra.HourglassRealm;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The audit page end to end: the owner's sign-in through Keycloak and a rename of the team are
 * recorded with the browser's address; the page filters them and the filtered view downloads as
 * CSV. The team gets its name back at the end, for the other browser tests.
 */
class AuditPageIT {

  static HourglassStack stack;

  @BeforeAll
  static void startStack() throws Exception {
    stack = HourglassStack.get();
  }

  @Test
  void an_owner_sees_sign_ins_and_changes_filters_them_and_downloads_the_filtered_csv()
      throws Exception {
    try (var dana = new Browser()) {
      dana.driver.get(stack.appUrl() + "/");
      dana.signInAtKeycloak(HourglassRealm.DEMO_USER, stack.demoPassword);
      dana.waitForText(By.id("current-tenant"), "Demo Team");

      // A change to find: rename the team, and back.
      dana.waitFor(By.cssSelector("vaadin-side-nav-item[path='team']")).click();
      rename(dana, "Demo Team (audited)");
      rename(dana, "Demo Team");

      dana.waitFor(By.id("nav-audit")).click();
      dana.waitFor(By.id("audit-grid"));
      waitUntil(dana, () -> gridText(dana).contains("sign_in"));
      var all = gridText(dana);
      assertThat(all).contains("Sign-in", "Dana Demo", "127.0.0.1", "Team", "rename");
      assertThat(all).contains("name: Demo Team (audited) → Demo Team");
      dana.screenshot("13-audit");

      // Filtered to the renames: no sign-in left on the page.
      dana.type("#audit-text input", "audited");
      waitUntil(dana, () -> !gridText(dana).contains("sign_in"));
      assertThat(gridText(dana)).contains("rename", "Demo Team (audited)");

      var csv = fetchExport(dana);
      var lines = csv.split("\r\n");
      assertThat(lines[0])
          .isEqualTo(
              "\"time_utc\",\"who\",\"who_subject\",\"address\",\"kind\",\"operation\","
                  + "\"object_id\",\"object_name\",\"before\",\"after\"");
      var rows = Arrays.asList(lines).subList(1, lines.length);
      assertThat(rows).hasSize(2);
      assertThat(rows)
          .allSatisfy(
              r ->
                  assertThat(r)
                      .contains("\"Dana Demo\"", "\"127.0.0.1\"", "\"TEAM\"", "\"rename\""));
      assertThat(rows.get(0)).contains("\"Demo Team\"").contains("Demo Team (audited)");

      // Another filter, another file: only the sign-ins.
      dana.type("#audit-text input", "sign_in");
      waitUntil(dana, () -> !gridText(dana).contains("rename"));
      var signIns = Arrays.asList(fetchExport(dana).split("\r\n"));
      assertThat(signIns.size()).isGreaterThan(1);
      assertThat(signIns.subList(1, signIns.size()))
          .allSatisfy(r -> assertThat(r).contains("\"SIGN_IN\"", "\"sign_in\""));
    }
  }

  private static void rename(Browser b, String name) {
    b.type("#rename-name input", name);
    b.clickInView(By.id("rename-save"));
    // The shell's header shows the new name once the page has been navigated to again.
    waitUntil(b, () -> b.driver.findElement(By.id("current-tenant")).getText().equals(name));
  }

  /** Fetches the export link with the page's own session, as clicking it would. */
  private static String fetchExport(Browser b) {
    var href = b.waitFor(By.id("audit-export")).getAttribute("href");
    assertThat(href).isNotBlank();
    var result =
        ((JavascriptExecutor) b.driver)
            .executeAsyncScript(
                "var done = arguments[arguments.length - 1];"
                    + "fetch(arguments[0], {credentials: 'same-origin'})"
                    // WebDriver may turn CRLF into LF on the way back: mark the CRLFs first.
                    + ".then(r => r.text()).then(t => done(t.split('\\r\\n').join('<CRLF>')),"
                    + " e => done('FAILED ' + e));",
                href);
    assertThat(result).isInstanceOf(String.class);
    var text = (String) result;
    assertThat(text).as("records end in CRLF").contains("<CRLF>").doesNotContain("\n");
    return text.replace("<CRLF>", "\r\n");
  }

  private static String gridText(Browser b) {
    List<WebElement> cells =
        b.driver.findElements(By.cssSelector("#audit-grid vaadin-grid-cell-content"));
    return cells.stream().map(WebElement::getText).collect(Collectors.joining(" | "));
  }

  private static void waitUntil(Browser b, BooleanSupplier condition) {
    new WebDriverWait(b.driver, Duration.ofSeconds(30)).until(d -> condition.getAsBoolean());
  }
}
