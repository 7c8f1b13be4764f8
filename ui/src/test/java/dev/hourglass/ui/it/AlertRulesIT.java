package dev.hourglass.ui.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.infra.HourglassRealm;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The alert rule page in a real browser: the owner turns on mails for every failure, adds an
 * address, saves, and sends a test mail, which the app's outbox worker delivers over SMTP to the
 * stack's mail catcher. The rule only adds an address nobody else checks, so other browser tests
 * are not disturbed.
 */
class AlertRulesIT {

  static HourglassStack stack;

  @BeforeAll
  static void startStack() throws Exception {
    stack = HourglassStack.get();
  }

  @Test
  void an_owner_edits_the_team_rule_and_a_test_mail_arrives_at_the_listed_address()
      throws Exception {
    var address = "alerts-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    try (var b = new Browser()) {
      b.driver.get(stack.appUrl() + "/");
      b.signInAtKeycloak(HourglassRealm.DEMO_USER, stack.demoPassword);
      b.waitForText(By.id("current-tenant"), "Demo Team");
      b.waitFor(By.cssSelector("vaadin-side-nav-item[path='alerts']")).click();
      b.waitForText(By.id("alerts-title"), "Alerts");
      b.waitForText(By.id("alert-scope"), "Team default");

      b.clickInView(By.cssSelector("#alert-on-failure label"));
      waitUntil(
          b,
          () ->
              "true"
                  .equals(
                      b.driver.findElement(By.id("alert-on-failure")).getDomProperty("checked")));
      b.type("#alert-quiet input", "30");
      // Only the listed address: the shared Demo Team then mails nobody other tests watch.
      for (var role : List.of("Owner", "Admin")) {
        var box =
            b.driver.findElements(By.cssSelector("#alert-roles vaadin-checkbox")).stream()
                .filter(e -> e.getText().strip().equals(role))
                .findFirst()
                .orElseThrow();
        if ("true".equals(box.getDomProperty("checked"))) {
          box.findElement(By.tagName("label")).click();
        }
      }
      b.type("#alert-addresses textarea", address);
      b.clickInView(By.id("alert-save"));
      notice(b, "success", "Saved the alert rule for Team default.");

      // The saved rule is what the page shows after a reload.
      b.driver.navigate().refresh();
      b.waitForText(By.id("alert-scope"), "Team default");
      waitUntil(
          b,
          () ->
              address.equals(
                  b.driver
                      .findElement(By.cssSelector("#alert-addresses textarea"))
                      .getAttribute("value")));
      b.screenshot("alerts-rule");
      assertThat(b.driver.findElement(By.id("alert-on-failure")).getDomProperty("checked"))
          .isEqualTo("true");
      assertThat(b.driver.findElement(By.cssSelector("#alert-quiet input")).getAttribute("value"))
          .isEqualTo("30");
      assertThat(
              b.driver.findElements(By.cssSelector("#alert-roles vaadin-checkbox")).stream()
                  .filter(e -> "true".equals(e.getDomProperty("checked")))
                  .count())
          .isZero();

      b.clickInView(By.id("alert-test"));
      notice(b, "success", "A test mail to " + address + " is on its way");

      var mail = waitForMailTo(address);
      assertThat(mail.getSubject()).isEqualTo("[Hourglass] Demo Team: test mail");
      var text = ((Multipart) mail.getContent()).getBodyPart(0).getContent().toString();
      assertThat(text).contains("This is a test mail from Hourglass for team Demo Team");

      // The page lists the delivery as sent.
      waitUntil(
          b,
          () -> {
            b.driver.findElement(By.id("alert-deliveries-refresh")).click();
            return b
                .driver
                .findElements(By.cssSelector("#alert-deliveries vaadin-grid-cell-content"))
                .stream()
                .anyMatch(c -> c.getText().startsWith("Sent "));
          });
    }
  }

  private static MimeMessage waitForMailTo(String address) throws Exception {
    var deadline = Instant.now().plusSeconds(30);
    while (true) {
      List<MimeMessage> mails =
          stack.mail.received().stream()
              .filter(
                  m -> {
                    try {
                      return m.getAllRecipients()[0].toString().equalsIgnoreCase(address);
                    } catch (jakarta.mail.MessagingException e) {
                      return false;
                    }
                  })
              .toList();
      if (!mails.isEmpty()) {
        assertThat(mails).hasSize(1);
        return mails.get(0);
      }
      assertThat(Instant.now()).as("a mail to " + address + " arrives").isBefore(deadline);
      Thread.sleep(200);
    }
  }

  private static void notice(Browser b, String theme, String text) {
    waitUntil(
        b,
        () ->
            b.driver.findElements(By.cssSelector("vaadin-notification-card")).stream()
                .anyMatch(
                    c ->
                        c.getText().contains(text)
                            && String.valueOf(c.getAttribute("theme")).contains(theme)));
  }

  private static void waitUntil(Browser b, java.util.function.BooleanSupplier condition) {
    new WebDriverWait(b.driver, Duration.ofSeconds(30))
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(d -> condition.getAsBoolean());
  }
}
