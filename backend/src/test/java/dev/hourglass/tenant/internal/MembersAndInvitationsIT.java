package dev.hourglass.tenant.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.common.AccessDeniedException;
import dev.hourglass.common.UserFacingException;
import dev.hourglass.infra.MailCatcher;
import dev.hourglass.mail.internal.JakartaMailGateway;
import dev.hourglass.platform.Settings;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.EmailAddress;
import dev.hourglass.tenant.Member;
import dev.hourglass.tenant.Role;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.tenant.TenantName;
import dev.hourglass.testing.ControlPlaneDatabase;
import dev.hourglass.testing.MutableClock;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Members, roles and invitations over real PostgreSQL and real SMTP (GreenMail). */
class MembersAndInvitationsIT {

  @RegisterExtension static ControlPlaneDatabase db = new ControlPlaneDatabase();

  static MailCatcher smtp;

  @BeforeAll
  static void startSmtp() {
    smtp = MailCatcher.start(0, 0);
  }

  @AfterAll
  static void stopSmtp() {
    smtp.close();
  }

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T09:00:00Z"));
  private JdbcTenantService tenants;
  private final Caller owner = person("Olga");
  private TenantId team;

  @BeforeEach
  void aTeamWithAnOwner() {
    smtp.clear();
    var gateway =
        new JakartaMailGateway(
            new Settings.Mail(
                "127.0.0.1",
                smtp.smtpPort(),
                Settings.MailSecurity.NONE,
                "",
                "",
                "hourglass@example.com"));
    tenants =
        new JdbcTenantService(db.dataSource(), clock, gateway, URI.create("http://hg.test:8080"));
    team = tenants.createTenant(owner, new TenantName("Team " + UUID.randomUUID())).tenant().id();
  }

  private static Caller person(String name) {
    var id = UUID.randomUUID().toString();
    return new Caller(
        id, name.toLowerCase() + id.substring(0, 4), name, name + id + "@example.com");
  }

  /** Invites {@code who} with {@code role}, accepts through the mailed link, returns the token. */
  private String join(Caller who, Role role) throws Exception {
    tenants.invite(owner, team, new EmailAddress(who.email()), role);
    var token = tokenFromLatestMailTo(who.email());
    tenants.acceptInvitation(who, token);
    return token;
  }

  private String tokenFromLatestMailTo(String address) throws Exception {
    assertThat(smtp.waitForMessages(1, Duration.ofSeconds(10))).isTrue();
    MimeMessage last = null;
    for (var m : smtp.received()) {
      if (m.getAllRecipients()[0].toString().equalsIgnoreCase(address)) {
        last = m;
      }
    }
    assertThat(last).as("a mail to " + address).isNotNull();
    var text = ((MimeMultipart) last.getContent()).getBodyPart(0).getContent().toString();
    var matcher =
        Pattern.compile("http://hg\\.test:8080/join\\?token=([A-Za-z0-9_-]{43})").matcher(text);
    assertThat(matcher.find()).as("the mail carries a join link: " + text).isTrue();
    return matcher.group(1);
  }

  private Role roleOf(Caller who) {
    return tenants.members(owner, team).stream()
        .filter(m -> m.subject().equals(who.subject()))
        .map(Member::role)
        .findFirst()
        .orElse(null);
  }

  @Test
  void an_invited_person_gets_a_mail_and_joins_with_the_offered_role() throws Exception {
    var ivy = person("Ivy");
    tenants.invite(owner, team, new EmailAddress(ivy.email()), Role.EDITOR);

    assertThat(smtp.waitForMessages(1, Duration.ofSeconds(10))).isTrue();
    var mail = smtp.received().get(0);
    assertThat(mail.getSubject()).startsWith("[Hourglass] Olga invites you to Team ");
    assertThat(tenants.openInvitations(owner, team))
        .singleElement()
        .satisfies(i -> assertThat(i.email()).isEqualTo(ivy.email()));

    var token = tokenFromLatestMailTo(ivy.email());
    var preview = tenants.previewInvitation(ivy, token);
    assertThat(preview.acceptable()).isTrue();
    assertThat(preview.role()).isEqualTo(Role.EDITOR);

    var joined = tenants.acceptInvitation(ivy, token);
    assertThat(joined.role()).isEqualTo(Role.EDITOR);
    assertThat(tenants.membershipsOf(ivy)).containsExactly(joined);
    assertThat(tenants.openInvitations(owner, team)).isEmpty();
  }

  @Test
  void an_invitation_link_works_only_once() throws Exception {
    var ivy = person("Ivy");
    var token = join(ivy, Role.VIEWER);
    var other = new Caller(UUID.randomUUID().toString(), "x", "X", ivy.email());
    assertThatThrownBy(() -> tenants.acceptInvitation(other, token))
        .isInstanceOf(UserFacingException.class)
        .hasMessageContaining("used already");
  }

  @Test
  void a_revoked_invitation_no_longer_lets_anyone_join() throws Exception {
    var ivy = person("Ivy");
    var invitation = tenants.invite(owner, team, new EmailAddress(ivy.email()), Role.VIEWER);
    var token = tokenFromLatestMailTo(ivy.email());
    tenants.revokeInvitation(owner, team, invitation.id());

    assertThat(tenants.previewInvitation(ivy, token).problem()).contains("revoked");
    assertThatThrownBy(() -> tenants.acceptInvitation(ivy, token))
        .isInstanceOf(UserFacingException.class)
        .hasMessageContaining("revoked");
    assertThat(tenants.membershipsOf(ivy)).isEmpty();
  }

  @Test
  void an_invitation_expires_after_seven_days() throws Exception {
    var ivy = person("Ivy");
    tenants.invite(owner, team, new EmailAddress(ivy.email()), Role.VIEWER);
    var token = tokenFromLatestMailTo(ivy.email());
    clock.advance(Duration.ofDays(7).plusSeconds(1));

    assertThatThrownBy(() -> tenants.acceptInvitation(ivy, token))
        .isInstanceOf(UserFacingException.class)
        .hasMessageContaining("expired");
  }

  @Test
  void an_invitation_is_for_the_invited_address_only() throws Exception {
    var ivy = person("Ivy");
    tenants.invite(owner, team, new EmailAddress(ivy.email()), Role.ADMIN);
    var token = tokenFromLatestMailTo(ivy.email());
    var mallory = person("Mallory");

    assertThatThrownBy(() -> tenants.acceptInvitation(mallory, token))
        .isInstanceOf(UserFacingException.class)
        .hasMessageContaining("was sent to " + ivy.email())
        .hasMessageContaining("you are signed in as " + mallory.email());
    assertThat(tenants.membershipsOf(mallory)).isEmpty();
  }

  @Test
  void a_made_up_or_truncated_token_is_refused() throws Exception {
    var ivy = person("Ivy");
    tenants.invite(owner, team, new EmailAddress(ivy.email()), Role.VIEWER);
    var token = tokenFromLatestMailTo(ivy.email());
    for (var bad : new String[] {token.substring(1), "x".repeat(43), "", "' or 1=1 --"}) {
      assertThatThrownBy(() -> tenants.acceptInvitation(ivy, bad))
          .isInstanceOf(UserFacingException.class)
          .hasMessageContaining("not valid");
    }
  }

  @Test
  void when_the_mail_cannot_be_sent_no_invitation_is_saved() {
    var deadSmtp =
        new JakartaMailGateway(
            new Settings.Mail(
                "127.0.0.1",
                dev.hourglass.infra.FreePorts.pick(),
                Settings.MailSecurity.NONE,
                "",
                "",
                "hourglass@example.com"));
    var offline = new JdbcTenantService(db.dataSource(), clock, deadSmtp, URI.create("http://x"));
    assertThatThrownBy(
            () -> offline.invite(owner, team, new EmailAddress("nobody@example.com"), Role.VIEWER))
        .isInstanceOf(UserFacingException.class)
        .hasMessageContaining("could not be sent, so no invitation was saved");
    assertThat(tenants.openInvitations(owner, team)).isEmpty();
  }

  @Test
  void inviting_an_existing_member_is_refused() throws Exception {
    var ivy = person("Ivy");
    join(ivy, Role.VIEWER);
    assertThatThrownBy(() -> tenants.invite(owner, team, new EmailAddress(ivy.email()), Role.ADMIN))
        .isInstanceOf(UserFacingException.class)
        .hasMessageContaining("already a member");
  }

  @Test
  void viewers_and_editors_may_not_invite_or_change_members() throws Exception {
    var viewer = person("Vic");
    var editor = person("Eddie");
    join(viewer, Role.VIEWER);
    join(editor, Role.EDITOR);
    for (var who : new Caller[] {viewer, editor}) {
      assertThatThrownBy(
              () -> tenants.invite(who, team, new EmailAddress("a@example.com"), Role.VIEWER))
          .isInstanceOf(AccessDeniedException.class)
          .hasMessageContaining("to manage members you need to be admin or higher");
      assertThatThrownBy(() -> tenants.changeRole(who, team, who.subject(), Role.ADMIN))
          .isInstanceOf(AccessDeniedException.class);
      assertThatThrownBy(() -> tenants.removeMember(who, team, owner.subject()))
          .isInstanceOf(AccessDeniedException.class);
      assertThatThrownBy(() -> tenants.rename(who, team, new TenantName("Mine now")))
          .isInstanceOf(AccessDeniedException.class)
          .hasMessageContaining("to rename the team");
      assertThatThrownBy(() -> tenants.openInvitations(who, team))
          .isInstanceOf(AccessDeniedException.class);
    }
    assertThat(roleOf(viewer)).isEqualTo(Role.VIEWER);
    assertThat(roleOf(owner)).isEqualTo(Role.OWNER);
  }

  @Test
  void an_admin_manages_members_but_cannot_touch_owners() throws Exception {
    var admin = person("Ada");
    var viewer = person("Vic");
    join(admin, Role.ADMIN);
    join(viewer, Role.VIEWER);

    tenants.changeRole(admin, team, viewer.subject(), Role.EDITOR);
    assertThat(roleOf(viewer)).isEqualTo(Role.EDITOR);

    assertThatThrownBy(() -> tenants.changeRole(admin, team, viewer.subject(), Role.OWNER))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining("Only an owner");
    assertThatThrownBy(() -> tenants.changeRole(admin, team, owner.subject(), Role.VIEWER))
        .isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> tenants.removeMember(admin, team, owner.subject()))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining("Only an owner can remove an owner");
    assertThatThrownBy(
            () -> tenants.invite(admin, team, new EmailAddress("boss@example.com"), Role.OWNER))
        .isInstanceOf(AccessDeniedException.class);

    tenants.removeMember(admin, team, viewer.subject());
    assertThat(roleOf(viewer)).isNull();
    assertThat(tenants.membershipsOf(viewer)).isEmpty();
  }

  @Test
  void the_last_owner_can_neither_leave_nor_be_demoted() throws Exception {
    assertThatThrownBy(() -> tenants.leave(owner, team))
        .isInstanceOf(UserFacingException.class)
        .hasMessageContaining("at least one owner");
    assertThatThrownBy(() -> tenants.changeRole(owner, team, owner.subject(), Role.ADMIN))
        .isInstanceOf(UserFacingException.class)
        .hasMessageContaining("at least one owner");

    var second = person("Sam");
    join(second, Role.OWNER);
    tenants.leave(owner, team);
    assertThat(tenants.membershipsOf(owner)).isEmpty();
    assertThat(tenants.members(second, team))
        .extracting(Member::subject)
        .containsExactly(second.subject());
  }

  @Test
  void a_member_may_leave_and_then_sees_nothing_of_the_team() throws Exception {
    var viewer = person("Vic");
    join(viewer, Role.VIEWER);
    tenants.leave(viewer, team);
    assertThatThrownBy(() -> tenants.members(viewer, team))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining("not a member of this team");
  }

  @Test
  void an_admin_renames_the_team() throws Exception {
    var admin = person("Ada");
    join(admin, Role.ADMIN);
    tenants.rename(admin, team, new TenantName("Renamed"));
    assertThat(tenants.membership(owner, team).tenant().name().value()).isEqualTo("Renamed");
  }
}
