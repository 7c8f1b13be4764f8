package dev.hourglass.audit.internal;

import static dev.hourglass.testing.TeamBuilder.aPerson;
import static dev.hourglass.testing.TeamBuilder.aTeam;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hourglass.action.ActionConfig;
import dev.hourglass.action.ActionDraft;
import dev.hourglass.action.RoutineName;
import dev.hourglass.action.internal.JdbcActionAuthoring;
import dev.hourglass.action.internal.JdbcActionService;
import dev.hourglass.audit.AuditEvent;
import dev.hourglass.audit.AuditFilter;
import dev.hourglass.audit.AuditKind;
import dev.hourglass.common.AccessDeniedException;
import dev.hourglass.common.UserFacingException;
import dev.hourglass.database.ConnectionSpec;
import dev.hourglass.database.DatabaseDraft;
import dev.hourglass.database.SslMode;
import dev.hourglass.database.internal.Fleet;
import dev.hourglass.database.internal.JdbcDatabaseService;
import dev.hourglass.infra.MailCatcher;
import dev.hourglass.mail.internal.JakartaMailGateway;
import dev.hourglass.platform.Settings;
import dev.hourglass.schedule.ActionSchedule;
import dev.hourglass.schedule.Interval;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.EmailAddress;
import dev.hourglass.tenant.Role;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.tenant.TenantName;
import dev.hourglass.tenant.internal.JdbcTenantService;
import dev.hourglass.testing.ControlPlaneDatabase;
import dev.hourglass.testing.MutableClock;
import dev.hourglass.testing.ScratchPostgres;
import dev.hourglass.testing.TestFleet;
import jakarta.mail.internet.MimeMultipart;
import java.io.StringWriter;
import java.net.URI;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each kind of change made through the real services leaves its audit row (who, when, from where,
 * before and after), in the same transaction; secrets never reach the table; the viewer's filters
 * and the CSV export.
 */
class AuditIT {

  @RegisterExtension static ControlPlaneDatabase db = new ControlPlaneDatabase();

  static ScratchPostgres target;
  static String user;
  static String password;
  static MailCatcher smtp;

  @BeforeAll
  static void start() {
    target = ScratchPostgres.withoutSsl();
    password = ScratchPostgres.randomPassword();
    user = target.createUser("app", password);
    smtp = MailCatcher.start(0, 0);
  }

  @AfterAll
  static void stop() {
    target.close();
    smtp.close();
  }

  static final Instant NOW = Instant.parse("2026-11-26T09:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();
  private final MutableClock clock = new MutableClock(NOW);
  private final Caller owner = aPerson("Olga").from("198.51.100.7");
  private final Caller editor = aPerson("Edda").from("2001:db8::5");
  private final Caller viewer = aPerson("Vic");
  private final Caller admin = aPerson("Ada").from("203.0.113.9");
  private TenantId team;
  private Fleet fleet;
  private JdbcDatabaseService databases;
  private JdbcActionService actions;
  private JdbcTenantService tenants;
  private JdbcAuditService audit;

  @BeforeEach
  void aTeamOfFour() {
    smtp.clear();
    team =
        aTeam(db, owner)
            .with(editor, Role.EDITOR)
            .with(viewer, Role.VIEWER)
            .with(admin, Role.ADMIN)
            .id();
    fleet = TestFleet.open(db);
    databases = new JdbcDatabaseService(db.dataSource(), clock, TestFleet.BOX, fleet);
    var authoring = new JdbcActionAuthoring(db.dataSource(), fleet.connections());
    actions =
        new JdbcActionService(
            db.dataSource(),
            clock,
            fleet.connections(),
            authoring,
            RandomGenerator.of("L64X128MixRandom"));
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
    audit = new JdbcAuditService(db.dataSource());
  }

  @AfterEach
  void closePools() {
    fleet.close();
  }

  private List<AuditEvent> events(AuditKind kind) {
    return audit.find(admin, team, AuditFilter.all().withKinds(Set.of(kind)), 0, 100);
  }

  private ConnectionSpec spec(String database, String pw) {
    return new ConnectionSpec(
        target.host(), target.port(), database, user, pw, SslMode.DISABLE, null);
  }

  @Test
  void registering_editing_and_removing_a_database_is_recorded_and_no_password_reaches_the_table()
      throws Exception {
    var name = target.createDatabase("audited", user);
    var registered =
        databases.register(owner, team, DatabaseDraft.of("Sales", "prod", spec(name, password)));
    clock.advance(Duration.ofMinutes(1));
    // A wrong password would fail the connection test, so the same one is entered again as new.
    var edited =
        databases.edit(
            admin,
            team,
            registered.id(),
            new DatabaseDraft("Sales EU", "prod", spec(name, password), false),
            registered.version());
    clock.advance(Duration.ofMinutes(1));
    databases.remove(owner, team, edited.id());

    var rows = events(AuditKind.DATABASE);
    assertThat(rows)
        .extracting(AuditEvent::operation)
        .containsExactly("remove", "edit", "register");
    var remove = rows.get(0);
    var edit = rows.get(1);
    var register = rows.get(2);
    assertThat(register.actorSubject()).isEqualTo(owner.subject());
    assertThat(register.actorName()).isEqualTo("Olga");
    assertThat(register.address()).isEqualTo("198.51.100.7");
    assertThat(register.at()).isEqualTo(NOW);
    assertThat(register.objectId()).contains(registered.id().value().toString());
    assertThat(register.before()).isEmpty();
    assertThat(json(register.after().orElseThrow()))
        .containsEntry("name", "Sales")
        .containsEntry("host", target.host())
        .containsEntry("password", AuditJson.MASKED_CHANGED);

    assertThat(edit.actorSubject()).isEqualTo(admin.subject());
    assertThat(edit.address()).isEqualTo("203.0.113.9");
    assertThat(edit.at()).isEqualTo(NOW.plus(Duration.ofMinutes(1)));
    assertThat(edit.objectName()).contains("Sales EU");
    assertThat(json(edit.before().orElseThrow()))
        .containsOnlyKeys("name", "password")
        .containsEntry("name", "Sales")
        .containsEntry("password", AuditJson.MASKED);
    assertThat(json(edit.after().orElseThrow()))
        .containsOnlyKeys("name", "password")
        .containsEntry("name", "Sales EU")
        .containsEntry("password", AuditJson.MASKED_CHANGED);
    assertThat(edit.changesText()).contains("name: Sales → Sales EU");

    assertThat(remove.after()).isEmpty();
    assertThat(json(remove.before().orElseThrow())).containsEntry("name", "Sales EU");

    assertThat(everyAuditRowAsText()).doesNotContain(password);
  }

  @Test
  void every_change_to_an_action_and_run_now_are_recorded_with_the_changed_fields()
      throws Exception {
    var name = target.createDatabase("jobs", user);
    var database =
        databases.register(owner, team, DatabaseDraft.of("Jobs", "", spec(name, password))).id();
    new JdbcActionAuthoring(db.dataSource(), fleet.connections())
        .createRoutine(
            editor,
            team,
            database,
            "create procedure public.nightly(job_id integer, config jsonb) language plpgsql"
                + " as $$ begin raise notice 'ran'; end $$;");
    var draft =
        new ActionDraft(
            database,
            "Nightly",
            new RoutineName("public", "nightly"),
            new ActionConfig(
                "{\"keep\": 3, \"api_token\": \"tok-very-secret-1\","
                    + " \"dsn\": \"postgres://u:dsn-pass-9@h/db\"}"),
            Optional.empty(),
            ActionSchedule.every(Interval.parse("1 day")).build(NOW),
            true,
            Duration.ZERO,
            Optional.empty());
    var added = actions.add(editor, team, draft);
    clock.advance(Duration.ofMinutes(1));
    var renamed =
        new ActionDraft(
            database,
            "Nightly cleanup",
            draft.routine(),
            new ActionConfig("{\"keep\": 5}"),
            Optional.empty(),
            draft.schedule(),
            true,
            Duration.ZERO,
            Optional.empty());
    actions.alter(editor, team, added.id(), renamed, true, added.version());
    actions.pause(editor, team, added.id());
    actions.resume(editor, team, added.id());
    actions.runNow(editor, team, added.id());
    actions.delete(editor, team, added.id());

    var rows = events(AuditKind.ACTION);
    assertThat(rows)
        .extracting(AuditEvent::operation)
        .containsExactly("delete", "run_now", "resume", "pause", "alter", "create");
    assertThat(rows).allSatisfy(r -> assertThat(r.actorSubject()).isEqualTo(editor.subject()));
    assertThat(rows).allSatisfy(r -> assertThat(r.address()).isEqualTo("2001:db8::5"));
    assertThat(rows)
        .allSatisfy(r -> assertThat(r.objectId()).contains(added.id().value().toString()));

    var create = rows.get(5);
    assertThat(create.at()).isEqualTo(NOW);
    var createdConfig = JSON.readTree(create.after().orElseThrow()).get("config");
    assertThat(createdConfig.get("keep").asInt()).isEqualTo(3);
    assertThat(createdConfig.get("api_token").asText()).isEqualTo(AuditJson.MASKED);
    assertThat(createdConfig.get("dsn").asText()).isEqualTo("postgres://u:[secret]@h/db");

    var alter = rows.get(4);
    assertThat(alter.at()).isEqualTo(NOW.plus(Duration.ofMinutes(1)));
    assertThat(json(alter.before().orElseThrow())).containsEntry("job_name", "Nightly");
    assertThat(json(alter.after().orElseThrow()))
        .containsEntry("job_name", "Nightly cleanup")
        .doesNotContainKey("proc");
    // config_merge kept the other keys; only keep changed.
    assertThat(JSON.readTree(alter.after().orElseThrow()).get("config").get("keep").asInt())
        .isEqualTo(5);

    assertThat(json(rows.get(3).after().orElseThrow())).containsEntry("status", "Paused");
    assertThat(json(rows.get(2).after().orElseThrow())).containsEntry("status", "Active");
    assertThat(rows.get(1).objectName()).contains("Nightly cleanup");
    assertThat(rows.get(0).after()).isEmpty();
    assertThat(json(rows.get(0).before().orElseThrow()))
        .containsEntry("job_name", "Nightly cleanup");

    assertThat(everyAuditRowAsText())
        .doesNotContain("tok-very-secret-1")
        .doesNotContain("dsn-pass-9")
        .doesNotContain(password);
  }

  @Test
  void team_member_and_invitation_changes_are_recorded() throws Exception {
    var created = tenants.createTenant(owner, new TenantName("Audited " + UUID.randomUUID()));
    var t = created.tenant().id();
    tenants.rename(owner, t, new TenantName("Renamed " + UUID.randomUUID()));
    var ivy = aPerson("Ivy");
    tenants.invite(owner, t, new EmailAddress(ivy.email()), Role.VIEWER);
    tenants.acceptInvitation(ivy.from("192.0.2.44"), tokenFromLatestMail());
    tenants.changeRole(owner, t, ivy.subject(), Role.EDITOR);
    var later = tenants.invite(owner, t, new EmailAddress("later@example.com"), Role.VIEWER);
    tenants.revokeInvitation(owner, t, later.id());
    tenants.removeMember(owner, t, ivy.subject());

    var rows = audit.find(owner, t, AuditFilter.all(), 0, 100);
    assertThat(rows)
        .extracting(r -> r.kind() + " " + r.operation())
        .containsExactly(
            "MEMBER remove",
            "INVITATION revoke",
            "INVITATION invite",
            "MEMBER change_role",
            "MEMBER join",
            "INVITATION invite",
            "TEAM rename",
            "TEAM create");
    var role = rows.get(3);
    assertThat(role.objectId()).contains(ivy.subject());
    assertThat(role.objectName()).contains("Ivy");
    assertThat(role.changesText()).isEqualTo("role: VIEWER → EDITOR");
    var join = rows.get(4);
    assertThat(join.actorSubject()).isEqualTo(ivy.subject());
    assertThat(join.address()).isEqualTo("192.0.2.44");
    assertThat(json(join.after().orElseThrow())).containsEntry("role", "VIEWER");
    assertThat(rows.get(1).objectName()).contains("later@example.com");
    assertThat(rows.get(2).objectName()).contains("later@example.com");

    // Leaving is recorded too, by the one who left.
    var second = aPerson("Sam");
    tenants.invite(owner, t, new EmailAddress(second.email()), Role.VIEWER);
    tenants.acceptInvitation(second, tokenFromLatestMail());
    tenants.leave(second, t);
    assertThat(audit.find(owner, t, AuditFilter.all(), 0, 1))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.operation()).isEqualTo("leave");
              assertThat(r.actorSubject()).isEqualTo(second.subject());
            });
  }

  @Test
  void a_sign_in_is_recorded_in_each_team_of_the_person_and_with_no_team_for_a_newcomer()
      throws Exception {
    var otherTeam = aTeam(db, aPerson("Other owner")).with(editor, Role.VIEWER).id();
    tenants.recordSignIn(editor.from("192.0.2.10"));
    assertThat(
            audit.find(admin, team, AuditFilter.all().withKinds(Set.of(AuditKind.SIGN_IN)), 0, 10))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.actorSubject()).isEqualTo(editor.subject());
              assertThat(r.address()).isEqualTo("192.0.2.10");
              assertThat(r.at()).isEqualTo(NOW);
            });
    assertThat(countAsOwner("kind = 'SIGN_IN' and actor_subject = '" + editor.subject() + "'"))
        .as("one row per team the person is in")
        .isEqualTo(2);
    assertThat(
            countAsOwner(
                "kind = 'SIGN_IN' and actor_subject = '"
                    + editor.subject()
                    + "' and tenant_id = '"
                    + otherTeam
                    + "'"))
        .isEqualTo(1);

    var newcomer = aPerson("Nina").from("192.0.2.11");
    tenants.recordSignIn(newcomer);
    assertThat(
            countAsOwner(
                "kind = 'SIGN_IN' and tenant_id is null and actor_subject = '"
                    + newcomer.subject()
                    + "' and remote_address = '192.0.2.11'"))
        .isEqualTo(1);
  }

  @Test
  void a_change_whose_audit_row_cannot_be_written_is_not_saved_either() throws Exception {
    try (var c = db.ownerDataSource().getConnection();
        var s = c.createStatement()) {
      s.execute(
          "create function refuse_audit() returns trigger language plpgsql as $$"
              + " begin raise exception 'audit refused for the test'; end $$");
      s.execute(
          "create trigger refuse_rename before insert on audit_event for each row"
              + " when (new.operation = 'rename') execute function refuse_audit()");
    }
    try {
      var created = tenants.createTenant(owner, new TenantName("Kept " + UUID.randomUUID()));
      assertThatThrownBy(
              () -> tenants.rename(owner, created.tenant().id(), new TenantName("Never saved")))
          .isInstanceOf(IllegalStateException.class);
      assertThat(tenants.membership(owner, created.tenant().id()).tenant().name().value())
          .startsWith("Kept ");
    } finally {
      try (var c = db.ownerDataSource().getConnection();
          var s = c.createStatement()) {
        s.execute("drop trigger refuse_rename on audit_event");
        s.execute("drop function refuse_audit()");
      }
    }
  }

  @Test
  void a_refused_change_leaves_no_audit_row() {
    assertThatThrownBy(() -> tenants.changeRole(editor, team, viewer.subject(), Role.ADMIN))
        .isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> tenants.changeRole(owner, team, owner.subject(), Role.VIEWER))
        .isInstanceOf(UserFacingException.class);
    assertThat(audit.find(owner, team, AuditFilter.all(), 0, 10)).isEmpty();
  }

  @Test
  void only_admins_and_owners_may_read_or_export_the_audit() {
    for (var who : List.of(editor, viewer)) {
      assertThatThrownBy(() -> audit.find(who, team, AuditFilter.all(), 0, 10))
          .isInstanceOf(AccessDeniedException.class)
          .hasMessageContaining("admin or higher");
      assertThatThrownBy(() -> audit.exportCsv(who, team, AuditFilter.all(), new StringWriter()))
          .isInstanceOf(AccessDeniedException.class);
    }
    assertThat(audit.find(admin, team, AuditFilter.all(), 0, 10)).isEmpty();
  }

  @Test
  void filters_narrow_by_time_person_kind_object_and_text_and_pages_run_newest_first()
      throws Exception {
    tenants.rename(owner, team, new TenantName("First name"));
    clock.advance(Duration.ofHours(1));
    tenants.rename(admin, team, new TenantName("=cmd|' /C calc'!A0"));
    clock.advance(Duration.ofHours(1));
    tenants.changeRole(admin, team, viewer.subject(), Role.EDITOR);
    tenants.recordSignIn(viewer.from("192.0.2.99"));

    var all = AuditFilter.all();
    assertThat(audit.find(admin, team, all, 0, 100)).hasSize(4);
    assertThat(audit.find(admin, team, all, 0, 2))
        .extracting(AuditEvent::operation)
        .containsExactly("sign_in", "change_role");
    assertThat(audit.find(admin, team, all, 2, 2))
        .extracting(AuditEvent::operation)
        .containsExactly("rename", "rename");
    assertThat(audit.find(admin, team, all.between(NOW, NOW.plus(Duration.ofMinutes(90))), 0, 10))
        .extracting(AuditEvent::actorSubject)
        .containsExactly(admin.subject(), owner.subject());
    assertThat(audit.find(admin, team, all.withActor(owner.subject()), 0, 10)).hasSize(1);
    assertThat(
            audit.find(
                admin, team, all.withKinds(Set.of(AuditKind.MEMBER, AuditKind.SIGN_IN)), 0, 10))
        .hasSize(2);
    assertThat(audit.find(admin, team, all.withObject(viewer.subject()), 0, 10))
        .extracting(AuditEvent::operation)
        .containsExactly("sign_in", "change_role");
    assertThat(audit.find(admin, team, all.withObject("first"), 0, 10)).hasSize(1);
    assertThat(audit.find(admin, team, all.withText("192.0.2.99"), 0, 10)).hasSize(1);
    assertThat(audit.find(admin, team, all.withText("EDITOR"), 0, 10)).hasSize(1);
    assertThat(audit.find(admin, team, all.withText("100%_"), 0, 10)).isEmpty();

    var csv = new StringWriter();
    int rows = audit.exportCsv(admin, team, all.withKinds(Set.of(AuditKind.TEAM)), csv);
    assertThat(rows).isEqualTo(2);
    var lines = csv.toString().split("\r\n");
    assertThat(lines).hasSize(3);
    assertThat(lines[0])
        .isEqualTo(
            "\"time_utc\",\"who\",\"who_subject\",\"address\",\"kind\",\"operation\","
                + "\"object_id\",\"object_name\",\"before\",\"after\"");
    assertThat(lines[1])
        .startsWith(
            "\"2026-11-26T10:00:00Z\",\"Ada\",\""
                + admin.subject()
                + "\",\"203.0.113.9\",\"TEAM\",\"rename\"")
        // The formula-looking name is made inert and its quotes doubled.
        .contains(",\"'=cmd|' /C calc'!A0\",")
        .contains("\"{\"\"name\"\": \"\"First name\"\"}\"");
  }

  private static java.util.Map<String, Object> json(String text) throws Exception {
    @SuppressWarnings("unchecked")
    java.util.Map<String, Object> map = JSON.readValue(text, java.util.Map.class);
    return map;
  }

  private String tokenFromLatestMail() throws Exception {
    assertThat(smtp.waitForMessages(1, Duration.ofSeconds(10))).isTrue();
    var last = smtp.received().get(smtp.received().size() - 1);
    var text = ((MimeMultipart) last.getContent()).getBodyPart(0).getContent().toString();
    var matcher =
        Pattern.compile("http://hg\\.test:8080/join\\?token=([A-Za-z0-9_-]{43})").matcher(text);
    assertThat(matcher.find()).isTrue();
    return matcher.group(1);
  }

  /** Every column of every audit row, read past row-level security. */
  private static String everyAuditRowAsText() throws SQLException {
    try (var c = db.ownerDataSource().getConnection();
        var ps =
            c.prepareStatement(
                "select coalesce(string_agg(a::text, E'\\n'), '') from audit_event a");
        var rs = ps.executeQuery()) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static long countAsOwner(String where) throws SQLException {
    try (var c = db.ownerDataSource().getConnection();
        var ps = c.prepareStatement("select count(*) from audit_event where " + where);
        var rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
