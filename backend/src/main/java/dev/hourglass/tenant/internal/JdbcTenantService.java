package dev.hourglass.tenant.internal;

import static dev.hourglass.common.Transactions.inTransaction;

import dev.hourglass.audit.Audit;
import dev.hourglass.audit.AuditEntry;
import dev.hourglass.audit.AuditFields;
import dev.hourglass.audit.AuditKind;
import dev.hourglass.common.AccessDeniedException;
import dev.hourglass.common.UserFacingException;
import dev.hourglass.mail.MailException;
import dev.hourglass.mail.MailGateway;
import dev.hourglass.platform.Settings;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.EmailAddress;
import dev.hourglass.tenant.Invitation;
import dev.hourglass.tenant.InvitationPreview;
import dev.hourglass.tenant.Member;
import dev.hourglass.tenant.Membership;
import dev.hourglass.tenant.Permission;
import dev.hourglass.tenant.Role;
import dev.hourglass.tenant.Tenant;
import dev.hourglass.tenant.TenantAccess;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.tenant.TenantName;
import dev.hourglass.tenant.TenantService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Tenants, memberships and invitations in the control-plane database, one transaction per command,
 * each run as the caller and (where there is one) inside the tenant, so row-level security backs up
 * every check made here.
 */
@ApplicationScoped
public class JdbcTenantService implements TenantService {

  static final Duration INVITATION_LIFETIME = Duration.ofDays(7);

  private DataSource dataSource;
  private Clock clock;
  private MailGateway mail;
  private URI baseUrl;

  /** For CDI's client proxy only. */
  protected JdbcTenantService() {}

  @Inject
  public JdbcTenantService(
      DataSource dataSource, Clock clock, MailGateway mail, Settings settings) {
    this(dataSource, clock, mail, settings.baseUrl());
  }

  public JdbcTenantService(DataSource dataSource, Clock clock, MailGateway mail, URI baseUrl) {
    this.dataSource = dataSource;
    this.clock = clock;
    this.mail = mail;
    this.baseUrl = baseUrl;
  }

  @Override
  public void recordSignIn(Caller caller) {
    inTransaction(
        dataSource,
        caller.subject(),
        null,
        "record the sign-in",
        c -> {
          upsertPerson(c, caller);
          Audit.recordSignIn(c, caller, clock.instant());
          return null;
        });
  }

  @Override
  public List<Membership> membershipsOf(Caller caller) {
    var sql =
        """
        select t.id, t.name, m.role
          from membership m join tenant t on t.id = m.tenant_id
         where m.subject = ?
         order by lower(t.name), t.id
        """;
    return inTransaction(
        dataSource,
        caller.subject(),
        null,
        "read your teams",
        c -> {
          try (var ps = c.prepareStatement(sql)) {
            ps.setString(1, caller.subject());
            var result = new ArrayList<Membership>();
            try (var rs = ps.executeQuery()) {
              while (rs.next()) {
                result.add(
                    new Membership(
                        new Tenant(
                            new TenantId(rs.getObject(1, UUID.class)),
                            new TenantName(rs.getString(2))),
                        Role.valueOf(rs.getString(3))));
              }
            }
            return List.copyOf(result);
          }
        });
  }

  @Override
  public Membership membership(Caller caller, TenantId tenant) {
    return inTransaction(
        dataSource,
        caller.subject(),
        tenant.value(),
        "read the team",
        c -> {
          var role = TenantAccess.require(c, caller, tenant, Permission.VIEW);
          return new Membership(new Tenant(tenant, new TenantName(tenantName(c, tenant))), role);
        });
  }

  @Override
  public Membership createTenant(Caller caller, TenantName name) {
    var id = TenantId.random();
    return inTransaction(
        dataSource,
        caller.subject(),
        id.value(),
        "create the team",
        c -> {
          upsertPerson(c, caller);
          refuseDuplicateName(c, caller, name);
          var now = now();
          try (var ps =
              c.prepareStatement(
                  "insert into tenant (id, name, created_at, created_by) values (?, ?, ?, ?)")) {
            ps.setObject(1, id.value());
            ps.setString(2, name.value());
            ps.setTimestamp(3, now);
            ps.setString(4, caller.subject());
            ps.executeUpdate();
          }
          insertMembership(c, id, caller.subject(), Role.OWNER, now);
          audit(c, caller, id, AuditKind.TEAM, "create", id.toString(), name.value())
              .changes(Map.of(), AuditFields.of("name", name.value()));
          return new Membership(new Tenant(id, name), Role.OWNER);
        });
  }

  @Override
  public Tenant rename(Caller caller, TenantId tenant, TenantName name) {
    return inTenant(
        caller,
        tenant,
        Permission.MANAGE_TENANT,
        "rename the team",
        c -> {
          var old = tenantName(c, tenant);
          audit(c, caller, tenant, AuditKind.TEAM, "rename", tenant.toString(), name.value())
              .changes(AuditFields.of("name", old), AuditFields.of("name", name.value()));
          try (var ps =
              c.prepareStatement("update tenant set name = ?, renamed_at = ? where id = ?")) {
            ps.setString(1, name.value());
            ps.setTimestamp(2, now());
            ps.setObject(3, tenant.value());
            ps.executeUpdate();
          }
          return new Tenant(tenant, name);
        });
  }

  @Override
  public List<Member> members(Caller caller, TenantId tenant) {
    return inTenant(
        caller,
        tenant,
        Permission.VIEW,
        "list the members",
        c -> {
          return readMembers(c, tenant);
        });
  }

  @Override
  public void changeRole(Caller caller, TenantId tenant, String subject, Role role) {
    inTransaction(
        dataSource,
        caller.subject(),
        tenant.value(),
        "change the role",
        c -> {
          var mine = TenantAccess.require(c, caller, tenant, Permission.MANAGE_MEMBERS);
          var target = memberOrThrow(c, tenant, subject);
          if ((target.role() == Role.OWNER || role == Role.OWNER) && mine != Role.OWNER) {
            throw new AccessDeniedException(
                "Only an owner can make someone an owner or change an owner's role.");
          }
          if (target.role() == Role.OWNER && role != Role.OWNER) {
            refuseLastOwner(c, tenant, "change the role of the last owner");
          }
          try (var ps =
              c.prepareStatement(
                  "update membership set role = ? where tenant_id = ? and subject = ?")) {
            ps.setString(1, role.name());
            ps.setObject(2, tenant.value());
            ps.setString(3, subject);
            ps.executeUpdate();
          }
          audit(c, caller, tenant, AuditKind.MEMBER, "change_role", subject, target.displayName())
              .changes(
                  AuditFields.of("role", target.role().name()),
                  AuditFields.of("role", role.name()));
          return null;
        });
  }

  @Override
  public void removeMember(Caller caller, TenantId tenant, String subject) {
    if (subject.equals(caller.subject())) {
      leave(caller, tenant);
      return;
    }
    inTransaction(
        dataSource,
        caller.subject(),
        tenant.value(),
        "remove the member",
        c -> {
          var mine = TenantAccess.require(c, caller, tenant, Permission.MANAGE_MEMBERS);
          var target = memberOrThrow(c, tenant, subject);
          if (target.role() == Role.OWNER) {
            if (mine != Role.OWNER) {
              throw new AccessDeniedException("Only an owner can remove an owner.");
            }
            refuseLastOwner(c, tenant, "remove the last owner");
          }
          deleteMembership(c, tenant, subject);
          audit(c, caller, tenant, AuditKind.MEMBER, "remove", subject, target.displayName())
              .changes(AuditFields.of("role", target.role().name()), Map.of());
          return null;
        });
  }

  @Override
  public void leave(Caller caller, TenantId tenant) {
    inTransaction(
        dataSource,
        caller.subject(),
        tenant.value(),
        "leave the team",
        c -> {
          var mine = TenantAccess.require(c, caller, tenant, Permission.VIEW);
          if (mine == Role.OWNER) {
            refuseLastOwner(c, tenant, "leave as the last owner");
          }
          deleteMembership(c, tenant, caller.subject());
          audit(
                  c,
                  caller,
                  tenant,
                  AuditKind.MEMBER,
                  "leave",
                  caller.subject(),
                  caller.displayName())
              .changes(AuditFields.of("role", mine.name()), Map.of());
          return null;
        });
  }

  @Override
  public Invitation invite(Caller caller, TenantId tenant, EmailAddress email, Role role) {
    return inTransaction(
        dataSource,
        caller.subject(),
        tenant.value(),
        "create the invitation",
        c -> {
          var mine = TenantAccess.require(c, caller, tenant, Permission.MANAGE_MEMBERS);
          if (role == Role.OWNER && mine != Role.OWNER) {
            throw new AccessDeniedException("Only an owner can invite an owner.");
          }
          refuseExistingMember(c, tenant, email);
          expireOldInvitation(c, tenant, email);
          var token = InvitationTokens.newToken();
          var id = UUID.randomUUID();
          var created = clock.instant();
          var expires = created.plus(INVITATION_LIFETIME);
          try (var ps =
              c.prepareStatement(
                  """
                  insert into invitation (id, tenant_id, email, role, token_hash, invited_by,
                                          created_at, expires_at)
                  values (?, ?, ?, ?, ?, ?, ?, ?)
                  """)) {
            ps.setObject(1, id);
            ps.setObject(2, tenant.value());
            ps.setString(3, email.value());
            ps.setString(4, role.name());
            ps.setBytes(5, InvitationTokens.hash(token));
            ps.setString(6, caller.subject());
            ps.setTimestamp(7, Timestamp.from(created));
            ps.setTimestamp(8, Timestamp.from(expires));
            ps.executeUpdate();
          }
          audit(c, caller, tenant, AuditKind.INVITATION, "invite", id.toString(), email.value())
              .changes(Map.of(), AuditFields.of("email", email.value(), "role", role.name()));
          var teamName = tenantName(c, tenant);
          // Sent before commit: if the mail cannot go out, no invitation is left behind that
          // nobody received.
          try {
            mail.send(
                InvitationMail.compose(
                    email, caller, teamName, role, joinLink(token), expires, clock.getZone()));
          } catch (MailException e) {
            throw new UserFacingException(
                "The invitation mail to "
                    + email
                    + " could not be sent, so no invitation was saved. Try again later, or ask"
                    + " the operator to check the mail server.");
          }
          return new Invitation(id, email.value(), role, caller.displayName(), created, expires);
        });
  }

  URI joinLink(String token) {
    return URI.create(baseUrl + "/join?token=" + token);
  }

  @Override
  public List<Invitation> openInvitations(Caller caller, TenantId tenant) {
    return inTenant(
        caller,
        tenant,
        Permission.MANAGE_MEMBERS,
        "list the invitations",
        c -> {
          try (var ps =
              c.prepareStatement(
                  """
                  select i.id, i.email, i.role, coalesce(p.display_name, i.invited_by),
                         i.created_at, i.expires_at
                    from invitation i left join person p on p.subject = i.invited_by
                   where i.tenant_id = ? and i.accepted_at is null and i.revoked_at is null
                     and i.expires_at > ?
                   order by i.created_at desc
                  """)) {
            ps.setObject(1, tenant.value());
            ps.setTimestamp(2, now());
            var result = new ArrayList<Invitation>();
            try (var rs = ps.executeQuery()) {
              while (rs.next()) {
                result.add(
                    new Invitation(
                        rs.getObject(1, UUID.class),
                        rs.getString(2),
                        Role.valueOf(rs.getString(3)),
                        rs.getString(4),
                        rs.getTimestamp(5).toInstant(),
                        rs.getTimestamp(6).toInstant()));
              }
            }
            return List.copyOf(result);
          }
        });
  }

  @Override
  public void revokeInvitation(Caller caller, TenantId tenant, UUID invitation) {
    inTenant(
        caller,
        tenant,
        Permission.MANAGE_MEMBERS,
        "revoke the invitation",
        c -> {
          try (var ps =
              c.prepareStatement(
                  """
                  update invitation set revoked_at = ?, revoked_by = ?
                   where id = ? and tenant_id = ? and accepted_at is null and revoked_at is null
                  returning email, role
                  """)) {
            ps.setTimestamp(1, now());
            ps.setString(2, caller.subject());
            ps.setObject(3, invitation);
            ps.setObject(4, tenant.value());
            try (var rs = ps.executeQuery()) {
              if (!rs.next()) {
                throw new UserFacingException(
                    "That invitation is no longer open: it was accepted or revoked already.");
              }
              audit(
                      c,
                      caller,
                      tenant,
                      AuditKind.INVITATION,
                      "revoke",
                      invitation.toString(),
                      rs.getString(1))
                  .changes(
                      AuditFields.of("role", rs.getString(2), "open", true),
                      AuditFields.of("role", rs.getString(2), "open", false));
            }
          }
          return null;
        });
  }

  @Override
  public InvitationPreview previewInvitation(Caller caller, String token) {
    return inTransaction(
        dataSource,
        caller.subject(),
        null,
        "read the invitation",
        c -> {
          var found = findByToken(c, token);
          return new InvitationPreview(
              found.tenantName(), found.role(), found.email(), problemFor(c, caller, found));
        });
  }

  @Override
  public Membership acceptInvitation(Caller caller, String token) {
    return inTransaction(
        dataSource,
        caller.subject(),
        null,
        "accept the invitation",
        c -> {
          var found = findByToken(c, token);
          var problem = problemFor(c, caller, found);
          if (!problem.isEmpty()) {
            throw new UserFacingException(problem);
          }
          upsertPerson(c, caller);
          // From here on the transaction works inside the tenant the invitation belongs to.
          dev.hourglass.common.Transactions.setScope(c, caller.subject(), found.tenant().value());
          var now = now();
          insertMembership(c, found.tenant(), caller.subject(), found.role(), now);
          try (var ps =
              c.prepareStatement(
                  """
                  update invitation set accepted_at = ?, accepted_by = ?
                   where id = ? and accepted_at is null and revoked_at is null
                  """)) {
            ps.setTimestamp(1, now);
            ps.setString(2, caller.subject());
            ps.setObject(3, found.id());
            if (ps.executeUpdate() == 0) {
              throw new UserFacingException("This invitation was used or revoked a moment ago.");
            }
          }
          audit(
                  c,
                  caller,
                  found.tenant(),
                  AuditKind.MEMBER,
                  "join",
                  caller.subject(),
                  caller.displayName())
              .changes(
                  Map.of(),
                  AuditFields.of(
                      "role",
                      found.role().name(),
                      "invitation",
                      found.id().toString(),
                      "email",
                      found.email()));
          return new Membership(
              new Tenant(found.tenant(), new TenantName(found.tenantName())), found.role());
        });
  }

  private record FoundInvitation(
      UUID id,
      TenantId tenant,
      String tenantName,
      String email,
      Role role,
      java.time.Instant expiresAt,
      boolean accepted,
      boolean revoked) {}

  private static FoundInvitation findByToken(Connection c, String token) throws SQLException {
    if (!InvitationTokens.wellFormed(token)) {
      throw new UserFacingException(UNKNOWN_LINK);
    }
    try (var ps = c.prepareStatement("select * from hourglass_invitation_by_token(?)")) {
      ps.setBytes(1, InvitationTokens.hash(token));
      try (var rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new UserFacingException(UNKNOWN_LINK);
        }
        return new FoundInvitation(
            rs.getObject("id", UUID.class),
            new TenantId(rs.getObject("tenant_id", UUID.class)),
            rs.getString("tenant_name"),
            rs.getString("email"),
            Role.valueOf(rs.getString("role")),
            rs.getTimestamp("expires_at").toInstant(),
            rs.getTimestamp("accepted_at") != null,
            rs.getTimestamp("revoked_at") != null);
      }
    }
  }

  private static final String UNKNOWN_LINK =
      "This invitation link is not valid. Check that you opened the whole link from the mail, or"
          + " ask for a new invitation.";

  private String problemFor(Connection c, Caller caller, FoundInvitation found)
      throws SQLException {
    if (found.revoked()) {
      return "This invitation was revoked. Ask a member of "
          + found.tenantName()
          + " for a new one.";
    }
    if (found.accepted()) {
      return "This invitation was used already. Ask a member of "
          + found.tenantName()
          + " for a new one if you still need to join.";
    }
    if (!found.expiresAt().isAfter(clock.instant())) {
      return "This invitation expired. Ask a member of " + found.tenantName() + " for a new one.";
    }
    if (!new EmailAddress(found.email()).sameAs(caller.email())) {
      return "This invitation was sent to "
          + found.email()
          + ", but you are signed in as "
          + (caller.email().isEmpty() ? "someone without a mail address" : caller.email())
          + ". Sign out and sign in with the account for "
          + found.email()
          + ".";
    }
    try (var ps =
        c.prepareStatement("select 1 from membership where tenant_id = ? and subject = ?")) {
      ps.setObject(1, found.tenant().value());
      ps.setString(2, caller.subject());
      try (var rs = ps.executeQuery()) {
        if (rs.next()) {
          return "You are already a member of " + found.tenantName() + ".";
        }
      }
    }
    return "";
  }

  private <T> T inTenant(
      Caller caller,
      TenantId tenant,
      Permission permission,
      String what,
      dev.hourglass.common.Transactions.Work<T> work) {
    return TenantAccess.inTenant(dataSource, caller, tenant, permission, what, work);
  }

  /** An audit entry recorded in {@code c}'s transaction once its fields are given. */
  private final class Recording {
    private final Connection c;
    private final AuditEntry entry;

    Recording(Connection c, AuditEntry entry) {
      this.c = c;
      this.entry = entry;
    }

    void changes(Map<String, ?> before, Map<String, ?> after) throws SQLException {
      Audit.record(c, entry.changes(before, after));
    }
  }

  private Recording audit(
      Connection c,
      Caller caller,
      TenantId tenant,
      AuditKind kind,
      String operation,
      String objectId,
      String objectName) {
    return new Recording(
        c,
        AuditEntry.of(caller, tenant, clock.instant(), kind, operation)
            .object(objectId, objectName));
  }

  private Timestamp now() {
    return Timestamp.from(clock.instant());
  }

  private static String tenantName(Connection c, TenantId tenant) throws SQLException {
    try (var ps = c.prepareStatement("select name from tenant where id = ?")) {
      ps.setObject(1, tenant.value());
      try (var rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new AccessDeniedException(TenantAccess.NOT_A_MEMBER);
        }
        return rs.getString(1);
      }
    }
  }

  private static List<Member> readMembers(Connection c, TenantId tenant) throws SQLException {
    try (var ps =
        c.prepareStatement(
            """
            select p.subject, p.username, p.display_name, coalesce(p.email, ''), m.role, m.joined_at
              from membership m join person p on p.subject = m.subject
             where m.tenant_id = ?
             order by case m.role when 'OWNER' then 0 when 'ADMIN' then 1 when 'EDITOR' then 2
                                  else 3 end, lower(p.display_name), p.subject
            """)) {
      ps.setObject(1, tenant.value());
      var result = new ArrayList<Member>();
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          result.add(
              new Member(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  Role.valueOf(rs.getString(5)),
                  rs.getTimestamp(6).toInstant()));
        }
      }
      return List.copyOf(result);
    }
  }

  private static Member memberOrThrow(Connection c, TenantId tenant, String subject)
      throws SQLException {
    return readMembers(c, tenant).stream()
        .filter(m -> m.subject().equals(subject))
        .findFirst()
        .orElseThrow(
            () -> new UserFacingException("That person is not a member of this team (any more)."));
  }

  private static void refuseLastOwner(Connection c, TenantId tenant, String what)
      throws SQLException {
    // Locks the owners' rows so two owners demoting each other at once cannot leave none.
    try (var ps =
        c.prepareStatement(
            "select subject from membership where tenant_id = ? and role = 'OWNER' for update")) {
      ps.setObject(1, tenant.value());
      int owners = 0;
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          owners++;
        }
      }
      if (owners <= 1) {
        throw new UserFacingException(
            "You cannot "
                + what
                + ": a team needs at least one owner. Make another member an owner first.");
      }
    }
  }

  private static void deleteMembership(Connection c, TenantId tenant, String subject)
      throws SQLException {
    try (var ps =
        c.prepareStatement("delete from membership where tenant_id = ? and subject = ?")) {
      ps.setObject(1, tenant.value());
      ps.setString(2, subject);
      ps.executeUpdate();
    }
  }

  private static void refuseExistingMember(Connection c, TenantId tenant, EmailAddress email)
      throws SQLException {
    try (var ps =
        c.prepareStatement(
            """
            select 1 from membership m join person p on p.subject = m.subject
             where m.tenant_id = ? and lower(p.email) = lower(?)
            """)) {
      ps.setObject(1, tenant.value());
      ps.setString(2, email.value());
      try (var rs = ps.executeQuery()) {
        if (rs.next()) {
          throw new UserFacingException(email + " is already a member of this team.");
        }
      }
    }
  }

  /** A new invitation to the same address replaces the open one, whose link stops working. */
  private void expireOldInvitation(Connection c, TenantId tenant, EmailAddress email)
      throws SQLException {
    try (var ps =
        c.prepareStatement(
            """
            update invitation set revoked_at = ?
             where tenant_id = ? and lower(email) = lower(?)
               and accepted_at is null and revoked_at is null
            """)) {
      ps.setTimestamp(1, now());
      ps.setObject(2, tenant.value());
      ps.setString(3, email.value());
      ps.executeUpdate();
    }
  }

  private static void insertMembership(
      Connection c, TenantId tenant, String subject, Role role, Timestamp at) throws SQLException {
    try (var ps =
        c.prepareStatement(
            "insert into membership (tenant_id, subject, role, joined_at) values (?, ?, ?, ?)")) {
      ps.setObject(1, tenant.value());
      ps.setString(2, subject);
      ps.setString(3, role.name());
      ps.setTimestamp(4, at);
      ps.executeUpdate();
    }
  }

  private static void refuseDuplicateName(Connection c, Caller caller, TenantName name)
      throws SQLException {
    try (var ps =
        c.prepareStatement(
            """
            select 1 from membership m join tenant t on t.id = m.tenant_id
             where m.subject = ? and m.role = 'OWNER' and lower(t.name) = lower(?)
            """)) {
      ps.setString(1, caller.subject());
      ps.setString(2, name.value());
      try (var rs = ps.executeQuery()) {
        if (rs.next()) {
          throw new UserFacingException(
              "You already own a team called '" + name + "'. Choose another name.");
        }
      }
    }
  }

  private void upsertPerson(Connection c, Caller caller) throws SQLException {
    try (var ps =
        c.prepareStatement(
            """
            insert into person (subject, username, display_name, email, first_seen, last_seen)
            values (?, ?, ?, ?, ?, ?)
            on conflict (subject) do update
               set username = excluded.username, display_name = excluded.display_name,
                   email = excluded.email, last_seen = excluded.last_seen
            """)) {
      var now = now();
      ps.setString(1, caller.subject());
      ps.setString(2, caller.username());
      ps.setString(3, caller.displayName());
      ps.setString(4, caller.email().toLowerCase(Locale.ROOT));
      ps.setTimestamp(5, now);
      ps.setTimestamp(6, now);
      ps.executeUpdate();
    }
  }
}
