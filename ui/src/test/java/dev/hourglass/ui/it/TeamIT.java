package dev.hourglass.ui.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.infra.HourglassRealm;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The team page and joining by mail, end to end: a real invitation mail through SMTP, its link
 * opened in a fresh browser, Keycloak's sign-in in between, and the roles the backend enforces.
 *
 * <p>The stack is shared with the other browser tests, which expect {@code demo} to be alone in
 * "Demo Team" and {@code newcomer} to have no team of their own making: the newcomer leaves Demo
 * Team again at the end, and the other invitations go to addresses nobody signs in with.
 */
class TeamIT {

  static final String NEWCOMER_MAIL = "newcomer@hourglass.local";
  static HourglassStack stack;

  @BeforeAll
  static void startStack() throws Exception {
    stack = HourglassStack.get();
  }

  @Test
  void an_owner_invites_by_mail_and_the_invited_person_joins_through_the_link() throws Exception {
    try (var dana = new Browser()) {
      dana.driver.get(stack.appUrl() + "/");
      dana.signInAtKeycloak(HourglassRealm.DEMO_USER, stack.demoPassword);
      dana.waitForText(By.id("current-tenant"), "Demo Team");
      dana.waitFor(By.cssSelector("vaadin-side-nav-item[path='team']")).click();
      dana.waitForText(By.id("team-title"), "Demo Team");
      assertThat(gridText(dana, "members-grid")).contains("Dana Demo", "demo@hourglass.local");

      int mailsBefore = mailsTo(NEWCOMER_MAIL).size();
      dana.waitFor(By.cssSelector("#invite-email input")).sendKeys(NEWCOMER_MAIL);
      choose(dana, By.id("invite-role"), "Editor");
      dana.driver.findElement(By.id("invite-send")).click();
      notice(dana, "success", "Invitation sent to " + NEWCOMER_MAIL + " as editor.");
      dana.waitForText(By.id("invitations-grid"), NEWCOMER_MAIL);
      assertThat(gridText(dana, "invitations-grid")).contains("Editor", "Dana Demo");
      dana.screenshot("5-team-page");

      var link = joinLinkFromLatestMailTo(NEWCOMER_MAIL, mailsBefore);
      assertThat(link).startsWith(stack.appUrl() + "/join?token=");

      try (var nico = new Browser()) {
        // The link leads through Keycloak's sign-in straight to the invitation.
        nico.driver.get(link);
        nico.signInAtKeycloak(HourglassRealm.NEWCOMER_USER, stack.demoPassword);
        nico.waitForUrlContaining("/invitation");
        nico.waitForText(By.id("invitation-offer"), "join Demo Team as editor");
        nico.screenshot("6-invitation");
        nico.driver.findElement(By.id("invitation-accept")).click();
        waitUntil(nico, () -> headerTeam(nico).contains("Demo Team"));
        assertThat(nico.driver.getCurrentUrl()).isEqualTo(stack.appUrl() + "/");

        // As an editor, the team page is read-only.
        openTeamPage(nico);
        nico.waitForText(By.id("team-your-role"), "You are editor of this team.");
        assertThat(gridText(nico, "members-grid")).contains("Nico Newcomer", "Editor");
        assertThat(nico.driver.findElements(By.id("invite-email"))).isEmpty();
        assertThat(nico.driver.findElements(By.id("invitations-grid"))).isEmpty();
        assertThat(nico.driver.findElements(By.id("rename-name"))).isEmpty();
        assertThat(nico.driver.findElements(By.cssSelector(".member-role"))).isEmpty();
        assertThat(nico.driver.findElements(By.cssSelector(".member-remove"))).isEmpty();

        // The owner's page lists the newcomer; the invitation is no longer open.
        openTeamPage(dana);
        waitUntil(dana, () -> gridText(dana, "members-grid").contains("Nico Newcomer"));
        assertThat(gridText(dana, "members-grid")).contains(NEWCOMER_MAIL);
        assertThat(dana.driver.findElements(By.cssSelector("#invitations-grid")))
            .allMatch(g -> !g.isDisplayed());
        dana.screenshot("7-team-members");

        // A page that still offers inviting after the role was taken away: the service refuses.
        choose(dana, By.id("role-newcomer"), "Admin");
        notice(dana, "success", "Nico Newcomer is now admin.");
        openTeamPage(nico);
        nico.waitFor(By.cssSelector("#invite-email input"));
        choose(dana, By.id("role-newcomer"), "Editor");
        notice(dana, "success", "Nico Newcomer is now editor.");
        nico.driver.findElement(By.cssSelector("#invite-email input")).sendKeys("x@example.com");
        nico.driver.findElement(By.id("invite-send")).click();
        notice(
            nico,
            "error",
            "You are an editor of this team; to manage members you need to be admin or higher.");

        // The newcomer leaves again, so the other browser tests find them without this team.
        openTeamPage(nico);
        nico.clickInView(By.id("leave-team"));
        nico.waitFor(By.id("confirm-action")).click();
        waitUntil(nico, () -> !nico.driver.getCurrentUrl().contains("/team"));
        openTeamPage(dana);
        waitUntil(dana, () -> !gridText(dana, "members-grid").contains("Nico Newcomer"));
      }
    }
  }

  @Test
  void a_revoked_invitations_link_says_it_was_revoked() throws Exception {
    var address = "revoked-" + Instant.now().toEpochMilli() + "@example.com";
    try (var dana = new Browser()) {
      dana.driver.get(stack.appUrl() + "/" + "team");
      dana.signInAtKeycloak(HourglassRealm.DEMO_USER, stack.demoPassword);
      openTeamPage(dana);
      int mailsBefore = mailsTo(address).size();
      dana.waitFor(By.cssSelector("#invite-email input")).sendKeys(address);
      dana.driver.findElement(By.id("invite-send")).click();
      dana.waitForText(By.id("invitations-grid"), address);
      var link = joinLinkFromLatestMailTo(address, mailsBefore);

      dana.driver.findElement(By.id("revoke-" + address)).click();
      notice(dana, "success", "The invitation for " + address + " was revoked.");

      dana.driver.get(link);
      dana.waitForText(By.id("invitation-problem"), "This invitation was revoked.");
      assertThat(dana.driver.findElements(By.id("invitation-accept"))).isEmpty();
    }
  }

  @Test
  void the_last_owner_cannot_leave_and_is_told_why() throws Exception {
    try (var dana = new Browser()) {
      dana.driver.get(stack.appUrl() + "/");
      dana.signInAtKeycloak(HourglassRealm.DEMO_USER, stack.demoPassword);
      dana.waitForText(By.id("current-tenant"), "Demo Team");
      openTeamPage(dana);
      dana.clickInView(By.id("leave-team"));
      dana.waitFor(By.id("confirm-action")).click();
      notice(
          dana,
          "error",
          "You cannot leave as the last owner: a team needs at least one owner. Make another"
              + " member an owner first.");
      // Still a member. The page scrolled down to the leave button (below the settings), so the
      // members grid is brought back into view before its text is read.
      ((org.openqa.selenium.JavascriptExecutor) dana.driver)
          .executeScript(
              "document.getElementById('members-grid').scrollIntoView({block: 'center'})");
      waitUntil(dana, () -> gridText(dana, "members-grid").contains("Dana Demo"));
    }
  }

  @Test
  void new_team_in_the_header_creates_another_team_and_switches_to_it() throws Exception {
    // The operator account is used by no other browser test, so its teams are this test's own.
    var suffix = Long.toString(Instant.now().toEpochMilli(), 36);
    try (var olga = new Browser()) {
      olga.driver.get(stack.appUrl() + "/");
      olga.signInAtKeycloak(HourglassRealm.OPERATOR_USER, stack.demoPassword);
      waitUntil(
          olga,
          () ->
              !olga.driver.findElements(By.id("welcome-title")).isEmpty()
                  || !olga.driver.findElements(By.id("new-team")).isEmpty());
      if (!olga.driver.findElements(By.id("welcome-title")).isEmpty()) {
        olga.waitFor(By.cssSelector("#team-name input")).sendKeys("Operations " + suffix);
        olga.driver.findElement(By.id("create-team")).click();
      }
      olga.waitFor(By.id("new-team")).click();
      olga.waitFor(By.id("new-team-title"));
      olga.waitFor(By.cssSelector("#team-name input")).sendKeys("On Call " + suffix);
      olga.driver.findElement(By.id("create-team")).click();

      waitUntil(olga, () -> headerTeam(olga).contains("On Call " + suffix));
      olga.waitFor(By.id("tenant-switch"));
      openTeamPage(olga);
      olga.waitForText(By.id("team-title"), "On Call " + suffix);
      olga.waitForText(By.id("team-your-role"), "You are owner of this team.");
    }
  }

  @Test
  void an_invalid_link_says_it_is_not_valid() throws Exception {
    // A made-up token of the right shape goes through sign-in to the invitation page.
    try (var browser = new Browser()) {
      browser.driver.get(stack.appUrl() + "/join?token=" + "x".repeat(43));
      browser.signInAtKeycloak(HourglassRealm.DEMO_USER, stack.demoPassword);
      browser.waitForUrlContaining("/invitation");
      browser.waitForText(By.id("invitation-problem"), "This invitation link is not valid.");
      assertThat(browser.driver.findElements(By.id("invitation-accept"))).isEmpty();
    }
    // A mangled one is refused by the open link itself, without a sign-in.
    var http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    var response =
        http.send(
            HttpRequest.newBuilder(URI.create(stack.appUrl() + "/join?token=abc%27%20or%201=1"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("This invitation link is not valid.");
  }

  /** Opens /team, signing in again silently if the 1-minute test session ran out meanwhile. */
  private static void openTeamPage(Browser b) {
    b.driver.get(stack.appUrl() + "/team");
    waitUntil(
        b,
        () ->
            !b.driver.findElements(By.id("team-title")).isEmpty()
                || !b.driver.findElements(By.id("fleet-title")).isEmpty());
    if (b.driver.findElements(By.id("team-title")).isEmpty()) {
      b.driver.get(stack.appUrl() + "/team");
    }
    b.waitFor(By.id("members-grid"));
  }

  /** Picks {@code label} in a vaadin-select. */
  private static void choose(Browser b, By select, String label) {
    b.waitFor(select).click();
    waitUntil(b, () -> visibleItem(b, label) != null);
    visibleItem(b, label).click();
  }

  private static WebElement visibleItem(Browser b, String label) {
    return b.driver.findElements(By.cssSelector("vaadin-select-item")).stream()
        .filter(WebElement::isDisplayed)
        .filter(i -> i.getText().strip().equals(label))
        .findFirst()
        .orElse(null);
  }

  /** Waits for a notification with {@code theme} (success, error) that contains {@code text}. */
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

  private static String gridText(Browser b, String id) {
    return b.driver.findElements(By.cssSelector("#" + id + " vaadin-grid-cell-content")).stream()
        .map(WebElement::getText)
        .collect(Collectors.joining(" | "));
  }

  /** The team the header shows: as text with one team, in the switcher with several. */
  private static String headerTeam(Browser b) {
    var single = b.driver.findElements(By.id("current-tenant"));
    if (!single.isEmpty() && single.get(0).isDisplayed()) {
      return single.get(0).getText();
    }
    var switcher = b.driver.findElements(By.id("tenant-switch"));
    return switcher.isEmpty() ? "" : switcher.get(0).getText();
  }

  private static void waitUntil(Browser b, java.util.function.BooleanSupplier condition) {
    new WebDriverWait(b.driver, Duration.ofSeconds(30))
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(d -> condition.getAsBoolean());
  }

  private static List<MimeMessage> mailsTo(String address) {
    return stack.mail.received().stream()
        .filter(
            m -> {
              try {
                return m.getAllRecipients()[0].toString().equalsIgnoreCase(address);
              } catch (jakarta.mail.MessagingException e) {
                return false;
              }
            })
        .toList();
  }

  /** The join link of the first mail to {@code address} after the {@code before} earlier ones. */
  private static String joinLinkFromLatestMailTo(String address, int before) throws Exception {
    var deadline = Instant.now().plusSeconds(20);
    while (mailsTo(address).size() <= before) {
      assertThat(Instant.now()).as("a mail to " + address + " arrives").isBefore(deadline);
      Thread.sleep(100);
    }
    var mails = mailsTo(address);
    var text = new StringBuilder();
    collectText(mails.get(mails.size() - 1), text);
    var matcher =
        Pattern.compile(Pattern.quote(stack.appUrl()) + "/join\\?token=[A-Za-z0-9_-]{43}")
            .matcher(text);
    assertThat(matcher.find()).as("the mail carries a join link: " + text).isTrue();
    return matcher.group();
  }

  private static void collectText(Part part, StringBuilder text) throws Exception {
    if (part.isMimeType("text/*")) {
      text.append(part.getContent()).append('\n');
    } else if (part.isMimeType("multipart/*")) {
      var multipart = (Multipart) part.getContent();
      for (int i = 0; i < multipart.getCount(); i++) {
        BodyPart child = multipart.getBodyPart(i);
        collectText(child, text);
      }
    }
  }
}
