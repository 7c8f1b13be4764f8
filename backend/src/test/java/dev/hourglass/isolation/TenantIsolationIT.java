package dev.hourglass.isolation;

import static dev.hourglass.testing.TeamBuilder.aPerson;
import static dev.hourglass.testing.TeamBuilder.aTeam;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.hourglass.common.AccessDeniedException;
import dev.hourglass.common.Transactions;
import dev.hourglass.common.UserFacingException;
import dev.hourglass.database.ConnectionSpec;
import dev.hourglass.database.DatabaseDraft;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.database.NetworkPolicy;
import dev.hourglass.database.RegisteredDatabase;
import dev.hourglass.database.SslMode;
import dev.hourglass.database.internal.Fleet;
import dev.hourglass.database.internal.JdbcDatabaseService;
import dev.hourglass.infra.MailCatcher;
import dev.hourglass.mail.internal.JakartaMailGateway;
import dev.hourglass.platform.Settings;
import dev.hourglass.security.Caller;
import dev.hourglass.security.SecretBox;
import dev.hourglass.security.SecretBoxException;
import dev.hourglass.tenant.EmailAddress;
import dev.hourglass.tenant.Membership;
import dev.hourglass.tenant.Role;
import dev.hourglass.tenant.TenantAccess;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.tenant.TenantName;
import dev.hourglass.tenant.internal.JdbcTenantService;
import dev.hourglass.testing.ControlPlaneDatabase;
import dev.hourglass.testing.MutableClock;
import dev.hourglass.testing.ScratchPostgres;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cross-tenant isolation: everything tenant A's owner (Alice, an owner in A and a member of nothing
 * in B) or plain SQL as the app role can try against tenant B, over real PostgreSQL, real SMTP and
 * a real target server. Every attempt must fail, leave B's rows exactly as they were (compared with
 * a snapshot read as the owner role, past row-level security) and fail with a message that names
 * nothing of B: no team, member, invitee, database, host, database or user name, or password.
 *
 * <p><b>Two walls, and where they end.</b> The services are the first wall: every command checks
 * the caller's role in the tenant it names ({@link TenantAccess#require}) and filters every
 * statement by that tenant. Row-level security is the second: the app role's queries see only rows
 * of the tenant and person that the transaction-local settings {@code hourglass.tenant} and {@code
 * hourglass.subject} name (migration V2, docs/decisions/0007-20261126-tenant-isolation.md). Those
 * settings are set by the services; RLS trusts them. Whoever can run arbitrary SQL as the app role
 * can also run {@code set_config('hourglass.tenant', <B>, true)} and then sees B's rows, so
 * spoofing the setting is <em>not</em> something the second wall stops, and no test here pretends
 * it does. The second wall holds against what the services could get wrong: a statement that
 * forgets its tenant filter, a missing role check, an id taken from another tenant. The same
 * boundary applies to {@code hourglass_claim_fleet_checks}: with arbitrary SQL it hands out every
 * tenant's database ids (ids only, by design) and moves their next check; it is for the fleet
 * monitor, not for a request.
 *
 * <p>The attempts (who, what, expected outcome):
 *
 * <table>
 * <caption>Attempts on tenant B</caption>
 * <tr><th>#</th><th>who</th><th>what</th><th>expected outcome</th></tr>
 * <tr><td>1</td><td>A's owner</td><td>TenantService.membership(B)</td><td>AccessDenied "not a member"</td></tr>
 * <tr><td>2</td><td>A's owner</td><td>members(B)</td><td>AccessDenied "not a member"</td></tr>
 * <tr><td>3</td><td>A's owner</td><td>rename(B)</td><td>AccessDenied, B's name unchanged</td></tr>
 * <tr><td>4</td><td>A's owner</td><td>changeRole(B, self, OWNER)</td><td>AccessDenied, no membership in B</td></tr>
 * <tr><td>5</td><td>A's owner</td><td>removeMember(B, B's owner)</td><td>AccessDenied, B's owner stays</td></tr>
 * <tr><td>6</td><td>A's owner</td><td>leave(B)</td><td>AccessDenied</td></tr>
 * <tr><td>7</td><td>A's owner</td><td>invite(B, an address, OWNER)</td><td>AccessDenied, no invitation, no mail</td></tr>
 * <tr><td>8</td><td>A's owner</td><td>openInvitations(B)</td><td>AccessDenied</td></tr>
 * <tr><td>9</td><td>A's owner</td><td>revokeInvitation(B, B's invitation)</td><td>AccessDenied, invitation open</td></tr>
 * <tr><td>10</td><td>A's owner</td><td>DatabaseService.list(B)</td><td>AccessDenied</td></tr>
 * <tr><td>11</td><td>A's owner</td><td>get(B, B's database)</td><td>AccessDenied</td></tr>
 * <tr><td>12</td><td>A's owner</td><td>test(B, a connection)</td><td>AccessDenied, no probe</td></tr>
 * <tr><td>13</td><td>A's owner</td><td>testEdit(B, B's database, stored password, A's host)</td><td>AccessDenied, password not sent</td></tr>
 * <tr><td>14</td><td>A's owner</td><td>register(B, a database)</td><td>AccessDenied, nothing saved in B</td></tr>
 * <tr><td>15</td><td>A's owner</td><td>edit(B, B's database)</td><td>AccessDenied, row unchanged</td></tr>
 * <tr><td>16</td><td>A's owner</td><td>remove(B, B's database)</td><td>AccessDenied, not archived</td></tr>
 * <tr><td>17</td><td>A's owner</td><td>refresh(B, B's database)</td><td>AccessDenied, no check stored</td></tr>
 * <tr><td>18</td><td>A's owner</td><td>changeMark(B)</td><td>AccessDenied</td></tr>
 * <tr><td>19</td><td>A's owner</td><td>get(A, B's database)</td><td>AccessDenied "no such database"</td></tr>
 * <tr><td>20</td><td>A's owner</td><td>edit(A, B's database, stored password)</td><td>AccessDenied "no such database"</td></tr>
 * <tr><td>21</td><td>A's owner</td><td>remove(A, B's database)</td><td>AccessDenied "no such database"</td></tr>
 * <tr><td>22</td><td>A's owner</td><td>refresh(A, B's database)</td><td>AccessDenied "no such database"</td></tr>
 * <tr><td>23</td><td>A's owner</td><td>testEdit(A, B's database, stored password, A's host)</td><td>AccessDenied "no such database", password not sent</td></tr>
 * <tr><td>24</td><td>A's owner</td><td>revokeInvitation(A, B's invitation)</td><td>refused "no longer open", B's stays open</td></tr>
 * <tr><td>25</td><td>A's owner</td><td>changeRole / removeMember(A, B's owner)</td><td>refused "not a member of this team"</td></tr>
 * <tr><td>26</td><td>A's owner</td><td>membershipsOf(self)</td><td>only A listed</td></tr>
 * <tr><td>27</td><td>A's owner</td><td>previewInvitation(forged token)</td><td>refused "link is not valid"</td></tr>
 * <tr><td>28</td><td>A's pools</td><td>TargetPools.connect(A, B's database)</td><td>refused "no such database", no pool built</td></tr>
 * <tr><td>29</td><td>app role, no scope</td><td>select * from tenant, membership, person, invitation, target_database</td><td>0 rows</td></tr>
 * <tr><td>30</td><td>app role, no scope</td><td>insert a membership into B</td><td>refused by RLS (42501)</td></tr>
 * <tr><td>31</td><td>app role, no scope</td><td>update B's tenant name</td><td>0 rows</td></tr>
 * <tr><td>32</td><td>app role, no scope</td><td>delete B's database row</td><td>0 rows</td></tr>
 * <tr><td>33</td><td>app role, no scope</td><td>select B's password_sealed</td><td>no row</td></tr>
 * <tr><td>34</td><td>app role, A's scope</td><td>select B's tenant, members, persons, invitation, database by id</td><td>no rows</td></tr>
 * <tr><td>35</td><td>app role, A's scope</td><td>update B's tenant, membership, person, invitation, database by id</td><td>0 rows each</td></tr>
 * <tr><td>36</td><td>app role, A's scope</td><td>delete B's membership, invitation, database, tenant by id</td><td>0 rows each</td></tr>
 * <tr><td>37</td><td>app role, A's scope</td><td>insert a database / invitation / membership into B</td><td>refused by RLS (42501)</td></tr>
 * <tr><td>38</td><td>app role, A's scope</td><td>move A's database row into B (update tenant_id)</td><td>refused by RLS (42501)</td></tr>
 * <tr><td>39</td><td>app role, A's scope</td><td>move A's owner's membership into B</td><td>refused by RLS (42501)</td></tr>
 * <tr><td>40</td><td>app role</td><td>hourglass_invitation_by_token(random / empty / null hash)</td><td>no rows</td></tr>
 * <tr><td>41</td><td>owner role plants, A uses</td><td>B's sealed password copied into A's row</td><td>SecretBoxException "belongs to another record", never B's password</td></tr>
 * <tr><td>42</td><td>app role</td><td>is it superuser or BYPASSRLS?</td><td>neither</td></tr>
 * <tr><td>43</td><td>app role</td><td>does it own a table, view, sequence or function?</td><td>none</td></tr>
 * <tr><td>44</td><td>app role</td><td>set row_security = off, then select</td><td>the query fails (42501), no rows shown</td></tr>
 * </table>
 *
 * <p>Out of scope by design (see above): spoofing {@code hourglass.tenant}/{@code
 * hourglass.subject} with arbitrary SQL, and calling {@code hourglass_claim_fleet_checks} with
 * arbitrary SQL.
 */
class TenantIsolationIT {

  @RegisterExtension static ControlPlaneDatabase db = new ControlPlaneDatabase();

  static final SecretBox BOX = new SecretBox(Map.of("k1", randomKey()), "k1");

  static MailCatcher smtp;
  static ScratchPostgres target;
  static Fleet fleet;
  static JdbcTenantService tenants;
  static JdbcDatabaseService databases;

  static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-26T09:00:00Z"));

  // A: Alice owns it. B: Bartholomew owns it, Beatrix views it, an invitation is open.
  static final Caller alice = aPerson("Alice");
  static final Caller bartholomew = aPerson("Bartholomew");
  static final Caller beatrix = aPerson("Beatrix");
  static TenantId teamA;
  static TenantId teamB;
  static final String B_NAME = "Bravo Hidden Payroll Team";
  static final String B_INVITEE = "bravo-invitee-quasar@example.org";
  static UUID bInvitation;

  static ConnectionSpec alphaConnection;
  static DatabaseId aSales;
  static DatabaseId aScratch;

  // B's database: on host "localhost" (A's are on 127.0.0.1), so a leaked host is recognisable.
  static ConnectionSpec bravoConnection;
  static RegisteredDatabase bDatabase;

  /** B's rows as the owner role read them, before any attempt. */
  static String bBefore;

  /** Whatever of B must never appear in a message shown to A. */
  static List<String> bSecrets;

  @BeforeAll
  static void twoTenants() throws SQLException {
    smtp = MailCatcher.start(0, 0);
    target = ScratchPostgres.withoutSsl();
    var alphaPassword = ScratchPostgres.randomPassword();
    var alphaUser = target.createUser("alpha", alphaPassword);
    var alphaDb = target.createDatabase("alpha", alphaUser);
    alphaConnection =
        new ConnectionSpec(
            target.host(), target.port(), alphaDb, alphaUser, alphaPassword, SslMode.DISABLE, null);
    var bravoPassword = ScratchPostgres.randomPassword();
    var bravoUser = target.createUser("bravo_secret", bravoPassword);
    var bravoDb = target.createDatabase("bravo_ledger", bravoUser);
    bravoConnection =
        new ConnectionSpec(
            ScratchPostgres.CERTIFICATE_HOST_NAME,
            target.port(),
            bravoDb,
            bravoUser,
            bravoPassword,
            SslMode.DISABLE,
            null);

    var gateway =
        new JakartaMailGateway(
            new Settings.Mail(
                "127.0.0.1",
                smtp.smtpPort(),
                Settings.MailSecurity.NONE,
                "",
                "",
                "hourglass@example.com"));
    tenants = new JdbcTenantService(db.dataSource(), CLOCK, gateway, URI.create("http://hg.test"));
    fleet = fleet();
    databases = new JdbcDatabaseService(db.dataSource(), CLOCK, BOX, fleet);

    teamA = aTeam(db, alice).id();
    teamB = aTeam(db, bartholomew).with(beatrix, Role.VIEWER).id();
    tenants.rename(bartholomew, teamB, new TenantName(B_NAME));
    bInvitation = tenants.invite(bartholomew, teamB, new EmailAddress(B_INVITEE), Role.EDITOR).id();

    aSales =
        databases.register(alice, teamA, DatabaseDraft.of("Alpha Sales", "", alphaConnection)).id();
    aScratch =
        databases
            .register(alice, teamA, DatabaseDraft.of("Alpha Scratch", "", alphaConnection))
            .id();
    bDatabase =
        databases.register(
            bartholomew, teamB, DatabaseDraft.of("Bravo Payroll", "production", bravoConnection));

    bSecrets =
        List.of(
            B_NAME,
            bartholomew.displayName(),
            bartholomew.email(),
            beatrix.displayName(),
            beatrix.email(),
            B_INVITEE,
            "Bravo Payroll",
            bravoConnection.host(),
            bravoDb,
            bravoUser,
            bravoPassword);
    bBefore = bSnapshot();
  }

  @AfterAll
  static void stop() {
    if (fleet != null) {
      fleet.pools().close();
    }
    if (target != null) {
      target.close();
    }
    if (smtp != null) {
      smtp.close();
    }
  }

  // --- 1-18: A's owner calls the services with B's tenant id

  @Test
  void alice_cannot_read_her_membership_in_b() {
    assertNotAMember(() -> tenants.membership(alice, teamB));
    bIsUnchanged();
  }

  @Test
  void alice_cannot_list_the_members_of_b() {
    assertNotAMember(() -> tenants.members(alice, teamB));
    bIsUnchanged();
  }

  @Test
  void alice_cannot_rename_b() {
    assertNotAMember(() -> tenants.rename(alice, teamB, new TenantName("Taken over")));
    bIsUnchanged();
  }

  @Test
  void alice_cannot_make_herself_an_owner_of_b() {
    assertNotAMember(() -> tenants.changeRole(alice, teamB, alice.subject(), Role.OWNER));
    bIsUnchanged();
  }

  @Test
  void alice_cannot_remove_the_owner_of_b() {
    assertNotAMember(() -> tenants.removeMember(alice, teamB, bartholomew.subject()));
    bIsUnchanged();
  }

  @Test
  void alice_cannot_leave_b_she_never_joined() {
    assertNotAMember(() -> tenants.leave(alice, teamB));
    bIsUnchanged();
  }

  @Test
  void alice_cannot_invite_anyone_into_b_and_no_mail_goes_out() {
    int mailsBefore = smtp.received().size();
    assertNotAMember(
        () ->
            tenants.invite(
                alice, teamB, new EmailAddress("alice-accomplice@example.com"), Role.OWNER));
    assertThat(smtp.received()).hasSize(mailsBefore);
    bIsUnchanged();
  }

  @Test
  void alice_cannot_list_the_open_invitations_of_b() {
    assertNotAMember(() -> tenants.openInvitations(alice, teamB));
    bIsUnchanged();
  }

  @Test
  void alice_cannot_revoke_an_invitation_of_b_in_b() {
    assertNotAMember(() -> tenants.revokeInvitation(alice, teamB, bInvitation));
    bIsUnchanged();
  }

  @Test
  void alice_cannot_list_the_databases_of_b() {
    assertNotAMember(() -> databases.list(alice, teamB));
    bIsUnchanged();
  }

  @Test
  void alice_cannot_read_a_database_of_b_in_b() {
    assertNotAMember(() -> databases.get(alice, teamB, bDatabase.id()));
    bIsUnchanged();
  }

  @Test
  void alice_cannot_run_a_connection_test_on_behalf_of_b() {
    assertNotAMember(() -> databases.test(alice, teamB, alphaConnection));
    bIsUnchanged();
  }

  @Test
  void alice_cannot_test_bs_stored_password_against_her_own_host_in_b() {
    assertNotAMember(
        () -> databases.testEdit(alice, teamB, bDatabase.id(), keepingStoredPassword("Stolen")));
    bIsUnchanged();
  }

  @Test
  void alice_cannot_register_a_database_in_b() {
    assertNotAMember(
        () -> databases.register(alice, teamB, DatabaseDraft.of("Planted", "", alphaConnection)));
    bIsUnchanged();
  }

  @Test
  void alice_cannot_edit_a_database_of_b_in_b() {
    assertNotAMember(
        () ->
            databases.edit(
                alice,
                teamB,
                bDatabase.id(),
                keepingStoredPassword("Redirected"),
                bDatabase.version()));
    bIsUnchanged();
  }

  @Test
  void alice_cannot_remove_a_database_of_b_in_b() {
    assertNotAMember(() -> databases.remove(alice, teamB, bDatabase.id()));
    bIsUnchanged();
  }

  @Test
  void alice_cannot_refresh_a_database_of_b_in_b() {
    assertNotAMember(() -> databases.refresh(alice, teamB, bDatabase.id()));
    bIsUnchanged();
  }

  @Test
  void alice_cannot_watch_the_dashboard_of_b_change() {
    assertNotAMember(() -> databases.changeMark(alice, teamB));
    bIsUnchanged();
  }

  // --- 19-28: A's owner inside A, with ids from B

  @Test
  void alice_cannot_read_a_database_of_b_through_her_own_team() {
    assertNoSuchDatabase(() -> databases.get(alice, teamA, bDatabase.id()));
    bIsUnchanged();
  }

  @Test
  void alice_cannot_edit_a_database_of_b_through_her_own_team() {
    assertNoSuchDatabase(
        () ->
            databases.edit(
                alice,
                teamA,
                bDatabase.id(),
                keepingStoredPassword("Redirected"),
                bDatabase.version()));
    bIsUnchanged();
  }

  @Test
  void alice_cannot_remove_a_database_of_b_through_her_own_team() {
    assertNoSuchDatabase(() -> databases.remove(alice, teamA, bDatabase.id()));
    bIsUnchanged();
  }

  @Test
  void alice_cannot_refresh_a_database_of_b_through_her_own_team() {
    assertNoSuchDatabase(() -> databases.refresh(alice, teamA, bDatabase.id()));
    bIsUnchanged();
  }

  @Test
  void alice_cannot_test_bs_stored_password_against_her_own_host_through_her_own_team() {
    assertNoSuchDatabase(
        () -> databases.testEdit(alice, teamA, bDatabase.id(), keepingStoredPassword("Stolen")));
    bIsUnchanged();
  }

  @Test
  void alice_cannot_revoke_an_invitation_of_b_through_her_own_team() {
    var thrown = attempt(() -> tenants.revokeInvitation(alice, teamA, bInvitation));
    assertThat(thrown)
        .isExactlyInstanceOf(UserFacingException.class)
        .hasMessageContaining("no longer open");
    bIsUnchanged();
  }

  @Test
  void alice_cannot_change_the_role_of_or_remove_bs_owner_through_her_own_team() {
    assertThat(attempt(() -> tenants.changeRole(alice, teamA, bartholomew.subject(), Role.VIEWER)))
        .isExactlyInstanceOf(UserFacingException.class)
        .hasMessageContaining("not a member of this team");
    assertThat(attempt(() -> tenants.removeMember(alice, teamA, bartholomew.subject())))
        .isExactlyInstanceOf(UserFacingException.class)
        .hasMessageContaining("not a member of this team");
    bIsUnchanged();
  }

  @Test
  void alice_sees_only_her_own_team_in_her_team_menu() {
    assertThat(tenants.membershipsOf(alice))
        .extracting(m -> m.tenant().id())
        .containsExactly(teamA);
    assertThat(tenants.membershipsOf(alice))
        .extracting(Membership::toString)
        .allSatisfy(text -> assertNoSecretOfB(text));
    bIsUnchanged();
  }

  @Test
  void alice_cannot_preview_an_invitation_of_b_with_a_forged_token() {
    var forged = Base64.getUrlEncoder().withoutPadding().encodeToString(randomKey());
    assertThat(attempt(() -> tenants.previewInvitation(alice, forged)))
        .isExactlyInstanceOf(UserFacingException.class)
        .hasMessageContaining("link is not valid");
    assertThat(attempt(() -> tenants.acceptInvitation(alice, forged)))
        .isExactlyInstanceOf(UserFacingException.class)
        .hasMessageContaining("link is not valid");
    bIsUnchanged();
  }

  @Test
  void the_pools_do_not_connect_a_team_to_a_database_of_another_team() {
    int poolsBefore = fleet.pools().openPools();
    var thrown = attempt(() -> fleet.pools().connect(teamA, bDatabase.id()).close());
    assertThat(thrown)
        .isExactlyInstanceOf(UserFacingException.class)
        .hasMessageContaining("no such database");
    assertThat(fleet.pools().openPools()).isEqualTo(poolsBefore);
    bIsUnchanged();
  }

  // --- 29-33: SQL as the app role with no tenant and no person set

  @ParameterizedTest
  @ValueSource(strings = {"tenant", "membership", "person", "invitation", "target_database"})
  void without_a_scope_the_app_role_sees_no_row_at_all(String table) throws SQLException {
    try (var c = db.dataSource().getConnection();
        var rs = c.createStatement().executeQuery("select count(*) from " + table)) {
      rs.next();
      assertThat(rs.getLong(1)).as(table).isZero();
    }
    bIsUnchanged();
  }

  @Test
  void without_a_scope_the_app_role_cannot_add_a_member_to_b() {
    var thrown =
        attempt(
            () ->
                asAppRole(
                    null,
                    null,
                    c ->
                        update(
                            c,
                            "insert into membership (tenant_id, subject, role, joined_at)"
                                + " values (?, ?, 'OWNER', now())",
                            teamB.value(),
                            alice.subject())));
    assertRefusedByRowLevelSecurity(thrown);
    bIsUnchanged();
  }

  @Test
  void without_a_scope_the_app_role_cannot_rename_b() throws SQLException {
    int renamed =
        asAppRole(
            null,
            null,
            c -> update(c, "update tenant set name = 'Taken' where id = ?", teamB.value()));
    assertThat(renamed).isZero();
    bIsUnchanged();
  }

  @Test
  void without_a_scope_the_app_role_cannot_delete_a_database_of_b() throws SQLException {
    int deleted =
        asAppRole(
            null,
            null,
            c -> update(c, "delete from target_database where id = ?", bDatabase.id().value()));
    assertThat(deleted).isZero();
    bIsUnchanged();
  }

  @Test
  void without_a_scope_the_app_role_cannot_read_the_sealed_password_of_b() throws SQLException {
    int rows =
        asAppRole(
            null,
            null,
            c ->
                count(
                    c,
                    "select password_sealed from target_database where id = ?",
                    bDatabase.id().value()));
    assertThat(rows).isZero();
    bIsUnchanged();
  }

  // --- 34-39: SQL as the app role inside A, aimed at B's rows by id

  @Test
  void inside_a_the_app_role_reads_no_row_of_b_by_id() throws SQLException {
    var b = teamB.value();
    List<Integer> found =
        asAppRole(
            alice.subject(),
            teamA,
            c ->
                List.of(
                    count(c, "select * from tenant where id = ?", b),
                    count(c, "select * from membership where tenant_id = ?", b),
                    count(
                        c,
                        "select * from person where subject in (?, ?)",
                        bartholomew.subject(),
                        beatrix.subject()),
                    count(
                        c,
                        "select * from invitation where id = ? or tenant_id = ?",
                        bInvitation,
                        b),
                    count(
                        c,
                        "select * from target_database where id = ? or tenant_id = ?",
                        bDatabase.id().value(),
                        b)));
    assertThat(found).containsOnly(0);
    bIsUnchanged();
  }

  @Test
  void inside_a_the_app_role_updates_no_row_of_b_by_id() throws SQLException {
    var b = teamB.value();
    List<Integer> changed =
        asAppRole(
            alice.subject(),
            teamA,
            c ->
                List.of(
                    update(c, "update tenant set name = 'Taken' where id = ?", b),
                    update(
                        c,
                        "update membership set role = 'VIEWER' where tenant_id = ? and subject = ?",
                        b,
                        bartholomew.subject()),
                    update(
                        c,
                        "update person set display_name = 'Renamed' where subject = ?",
                        bartholomew.subject()),
                    update(c, "update invitation set revoked_at = now() where id = ?", bInvitation),
                    update(
                        c,
                        "update target_database set host = '127.0.0.1', password_sealed = ''"
                            + " where id = ?",
                        bDatabase.id().value())));
    assertThat(changed).containsOnly(0);
    bIsUnchanged();
  }

  @Test
  void inside_a_the_app_role_deletes_no_row_of_b_by_id() throws SQLException {
    var b = teamB.value();
    List<Integer> deleted =
        asAppRole(
            alice.subject(),
            teamA,
            c ->
                List.of(
                    update(c, "delete from membership where tenant_id = ?", b),
                    update(c, "delete from invitation where id = ?", bInvitation),
                    update(c, "delete from target_database where id = ?", bDatabase.id().value()),
                    update(c, "delete from tenant where id = ?", b)));
    assertThat(deleted).containsOnly(0);
    bIsUnchanged();
  }

  @Test
  void inside_a_the_app_role_cannot_insert_rows_into_b() {
    var b = teamB.value();
    assertRefusedByRowLevelSecurity(
        attempt(
            () ->
                asAppRole(
                    alice.subject(),
                    teamA,
                    c ->
                        update(
                            c,
                            """
                            insert into target_database (id, tenant_id, name, host, port,
                                database_name, username, password_sealed, password_key_id,
                                ssl_mode, created_at, created_by, updated_at)
                            values (?, ?, 'Planted', '127.0.0.1', 5432, 'x', 'x', '\\x00', 'k1',
                                'DISABLE', now(), ?, now())
                            """,
                            UUID.randomUUID(),
                            b,
                            alice.subject()))));
    assertRefusedByRowLevelSecurity(
        attempt(
            () ->
                asAppRole(
                    alice.subject(),
                    teamA,
                    c ->
                        update(
                            c,
                            """
                            insert into invitation (id, tenant_id, email, role, token_hash,
                                invited_by, created_at, expires_at)
                            values (?, ?, 'alice@example.com', 'OWNER', '\\x01', ?, now(),
                                now() + interval '1 day')
                            """,
                            UUID.randomUUID(),
                            b,
                            alice.subject()))));
    assertRefusedByRowLevelSecurity(
        attempt(
            () ->
                asAppRole(
                    alice.subject(),
                    teamA,
                    c ->
                        update(
                            c,
                            "insert into membership (tenant_id, subject, role, joined_at)"
                                + " values (?, ?, 'OWNER', now())",
                            b,
                            alice.subject()))));
    bIsUnchanged();
  }

  @Test
  void inside_a_the_app_role_cannot_move_a_database_of_a_into_b() {
    var aBefore = ownerRead("select t::text from target_database t where id = ?", aSales.value());
    assertRefusedByRowLevelSecurity(
        attempt(
            () ->
                asAppRole(
                    alice.subject(),
                    teamA,
                    c ->
                        update(
                            c,
                            "update target_database set tenant_id = ? where id = ?",
                            teamB.value(),
                            aSales.value()))));
    assertThat(ownerRead("select t::text from target_database t where id = ?", aSales.value()))
        .isEqualTo(aBefore);
    bIsUnchanged();
  }

  @Test
  void inside_a_the_app_role_cannot_move_alices_membership_into_b() {
    assertRefusedByRowLevelSecurity(
        attempt(
            () ->
                asAppRole(
                    alice.subject(),
                    teamA,
                    c ->
                        update(
                            c,
                            "update membership set tenant_id = ? where tenant_id = ? and subject = ?",
                            teamB.value(),
                            teamA.value(),
                            alice.subject()))));
    assertThat(
            ownerRead(
                "select role from membership where tenant_id = ? and subject = ?",
                teamA.value(),
                alice.subject()))
        .isEqualTo("OWNER");
    bIsUnchanged();
  }

  // --- 40: the SECURITY DEFINER lookup

  @Test
  void the_invitation_lookup_tells_nothing_for_a_hash_it_was_not_given() throws SQLException {
    List<Integer> found =
        asAppRole(
            alice.subject(),
            teamA,
            c ->
                List.of(
                    count(
                        c, "select * from hourglass_invitation_by_token(?)", (Object) randomKey()),
                    count(
                        c, "select * from hourglass_invitation_by_token(?)", (Object) new byte[0]),
                    count(c, "select * from hourglass_invitation_by_token(null)")));
    assertThat(found).containsOnly(0);
    bIsUnchanged();
  }

  // --- 41: a sealed password moved between tenants

  @Test
  void bs_sealed_password_copied_into_as_row_does_not_open_for_a() {
    var bSealed =
        ownerBytes(
            "select password_sealed from target_database where id = ?", bDatabase.id().value());
    var aSealed =
        ownerBytes("select password_sealed from target_database where id = ?", aScratch.value());
    ownerUpdate(
        "update target_database set password_sealed = ? where id = ?", bSealed, aScratch.value());
    try {
      var aContext = "tenant/" + teamA + "/database/" + aScratch + "/password";
      assertSealedForAnotherRecord(attempt(() -> BOX.open(bSealed, aContext)));
      assertSealedForAnotherRecord(attempt(() -> databases.refresh(alice, teamA, aScratch)));
      assertSealedForAnotherRecord(attempt(() -> fleet.pools().connect(teamA, aScratch).close()));
      assertSealedForAnotherRecord(
          attempt(
              () ->
                  databases.testEdit(
                      alice, teamA, aScratch, keepingStoredPassword("Alpha Scratch"))));
    } finally {
      ownerUpdate(
          "update target_database set password_sealed = ? where id = ?", aSealed, aScratch.value());
    }
    bIsUnchanged();
  }

  // --- 42-44: the app role cannot walk around row-level security

  @Test
  void the_app_role_is_neither_superuser_nor_allowed_to_bypass_row_level_security()
      throws SQLException {
    try (var c = db.dataSource().getConnection();
        var rs =
            c.createStatement()
                .executeQuery(
                    "select rolsuper, rolbypassrls from pg_roles where rolname = current_user")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getBoolean(1)).as("rolsuper").isFalse();
      assertThat(rs.getBoolean(2)).as("rolbypassrls").isFalse();
    }
    bIsUnchanged();
  }

  @Test
  void the_app_role_owns_no_table_and_no_function() throws SQLException {
    try (var c = db.dataSource().getConnection();
        var rs =
            c.createStatement()
                .executeQuery(
                    """
                    select (select count(*) from pg_class
                             where relowner = (select oid from pg_roles where rolname = current_user)),
                           (select count(*) from pg_proc
                             where proowner = (select oid from pg_roles where rolname = current_user))
                    """)) {
      rs.next();
      assertThat(rs.getLong(1)).as("tables, views, sequences, indexes owned").isZero();
      assertThat(rs.getLong(2)).as("functions owned").isZero();
    }
    bIsUnchanged();
  }

  @Test
  void switching_row_security_off_makes_the_app_roles_queries_fail_instead_of_showing_rows()
      throws SQLException {
    // A connection of its own: the setting is per session and must not return to the pool.
    var settings = db.settings();
    try (var c =
        DriverManager.getConnection(settings.url(), settings.appUser(), settings.appPassword())) {
      c.createStatement().execute("set row_security = off");
      for (var table : List.of("tenant", "membership", "invitation", "target_database")) {
        var thrown =
            attempt(() -> c.createStatement().executeQuery("select * from " + table).close());
        assertRefusedByRowLevelSecurity(thrown);
        assertThat(thrown).hasMessageContaining("row-level security");
      }
    }
    bIsUnchanged();
  }

  // --- helpers

  /** Runs an attempt that must fail, and checks its message names nothing of B. */
  private static Throwable attempt(ThrowingCallable attempt) {
    var thrown = catchThrowable(attempt);
    assertThat(thrown).as("the attempt must fail").isNotNull();
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      assertNoSecretOfB(String.valueOf(t.getMessage()));
      if (t.getCause() == t) {
        break;
      }
    }
    return thrown;
  }

  private static void assertNoSecretOfB(String text) {
    for (var secret : bSecrets) {
      assertThat(text).as("a message seen by A").doesNotContainIgnoringCase(secret);
    }
  }

  private static void assertNotAMember(ThrowingCallable call) {
    assertThat(attempt(call))
        .isExactlyInstanceOf(AccessDeniedException.class)
        .hasMessage(TenantAccess.NOT_A_MEMBER);
  }

  private static void assertNoSuchDatabase(ThrowingCallable call) {
    assertThat(attempt(call))
        .isExactlyInstanceOf(AccessDeniedException.class)
        .hasMessageContaining("There is no such database in this team");
  }

  private static void assertRefusedByRowLevelSecurity(Throwable thrown) {
    var sql = rootSqlException(thrown);
    assertThat((Object) sql).as("an SQLException from PostgreSQL in %s", thrown).isNotNull();
    assertThat(sql.getSQLState()).as(sql.getMessage()).isEqualTo("42501");
  }

  private static SQLException rootSqlException(Throwable thrown) {
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t instanceof SQLException e) {
        return e;
      }
    }
    return null;
  }

  private static void assertSealedForAnotherRecord(Throwable thrown) {
    assertThat(thrown)
        .isExactlyInstanceOf(SecretBoxException.class)
        .hasMessage("The secret is damaged or belongs to another record");
  }

  /** An edit draft that keeps the stored password but points at A's own server. */
  private static DatabaseDraft keepingStoredPassword(String name) {
    return new DatabaseDraft(name, "", alphaConnection.withPassword(""), true);
  }

  /** Work in one transaction as the app role, with the given scope (null: none); committed. */
  private static <T> T asAppRole(String subject, TenantId tenant, Transactions.Work<T> work)
      throws SQLException {
    try (var c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try {
        if (subject != null || tenant != null) {
          Transactions.setScope(c, subject, tenant == null ? null : tenant.value());
        }
        var result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }

  private static int update(Connection c, String sql, Object... args) throws SQLException {
    try (var ps = c.prepareStatement(sql)) {
      bind(ps, args);
      return ps.executeUpdate();
    }
  }

  private static int count(Connection c, String sql, Object... args) throws SQLException {
    try (var ps = c.prepareStatement(sql)) {
      bind(ps, args);
      int rows = 0;
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          rows++;
        }
      }
      return rows;
    }
  }

  private static void bind(java.sql.PreparedStatement ps, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
  }

  /** B's rows as the owner role sees them, past row-level security, in a stable order. */
  private static String bSnapshot() {
    var b = teamB.value();
    return ownerRead(
        """
        select concat_ws(E'\\n',
          (select row_to_json(t)::text from tenant t where id = ?),
          (select json_agg(m order by m.subject)::text from membership m where m.tenant_id = ?),
          (select json_agg(p order by p.subject)::text from person p
            where p.subject in (select subject from membership where tenant_id = ?)),
          (select json_agg(i order by i.id)::text from invitation i where i.tenant_id = ?),
          (select json_agg(d order by d.id)::text from target_database d where d.tenant_id = ?))
        """,
        b,
        b,
        b,
        b,
        b);
  }

  private static void bIsUnchanged() {
    assertThat(bSnapshot()).as("B's rows, read as the owner role").isEqualTo(bBefore);
  }

  private static String ownerRead(String sql, Object... args) {
    try (var c = db.ownerDataSource().getConnection();
        var ps = c.prepareStatement(sql)) {
      bind(ps, args);
      try (var rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] ownerBytes(String sql, Object... args) {
    try (var c = db.ownerDataSource().getConnection();
        var ps = c.prepareStatement(sql)) {
      bind(ps, args);
      try (var rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return rs.getBytes(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void ownerUpdate(String sql, Object... args) {
    try (var c = db.ownerDataSource().getConnection();
        var ps = c.prepareStatement(sql)) {
      bind(ps, args);
      assertThat(ps.executeUpdate()).isEqualTo(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Fleet fleet() {
    var controlPlane =
        InetSocketAddress.createUnresolved("127.0.0.1", ControlPlaneDatabase.server().port());
    return new Fleet(
        NetworkPolicy.of(List.of(), List.of(), List.of(controlPlane)),
        new Settings.Targets(
            List.of(),
            List.of(),
            2,
            10,
            Duration.ofSeconds(30),
            Duration.ofSeconds(60),
            Duration.ofSeconds(3)),
        db.dataSource(),
        BOX);
  }

  private static byte[] randomKey() {
    var bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }
}
