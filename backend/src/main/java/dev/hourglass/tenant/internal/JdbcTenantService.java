package dev.hourglass.tenant.internal;

import dev.hourglass.common.UserFacingException;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.Membership;
import dev.hourglass.tenant.Role;
import dev.hourglass.tenant.Tenant;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.tenant.TenantName;
import dev.hourglass.tenant.TenantService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/** Tenants and memberships in the control-plane database, one transaction per command. */
@ApplicationScoped
public class JdbcTenantService implements TenantService {

  private DataSource dataSource;
  private Clock clock;

  /** For CDI's client proxy only. */
  protected JdbcTenantService() {}

  @Inject
  public JdbcTenantService(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  @Override
  public void recordSignIn(Caller caller) {
    try (var c = dataSource.getConnection()) {
      upsertPerson(c, caller);
    } catch (SQLException e) {
      throw new IllegalStateException("Could not record the sign-in", e);
    }
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
    try (var c = dataSource.getConnection();
        var ps = c.prepareStatement(sql)) {
      ps.setString(1, caller.subject());
      var result = new ArrayList<Membership>();
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          result.add(
              new Membership(
                  new Tenant(
                      new TenantId(rs.getObject(1, UUID.class)), new TenantName(rs.getString(2))),
                  Role.valueOf(rs.getString(3))));
        }
      }
      return List.copyOf(result);
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read memberships", e);
    }
  }

  @Override
  public Membership createTenant(Caller caller, TenantName name) {
    try (var c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        upsertPerson(c, caller);
        refuseDuplicateName(c, caller, name);
        var id = TenantId.random();
        var now = Timestamp.from(clock.instant());
        try (var ps =
            c.prepareStatement(
                "insert into tenant (id, name, created_at, created_by) values (?, ?, ?, ?)")) {
          ps.setObject(1, id.value());
          ps.setString(2, name.value());
          ps.setTimestamp(3, now);
          ps.setString(4, caller.subject());
          ps.executeUpdate();
        }
        try (var ps =
            c.prepareStatement(
                "insert into membership (tenant_id, subject, role, joined_at) values (?, ?, ?, ?)")) {
          ps.setObject(1, id.value());
          ps.setString(2, caller.subject());
          ps.setString(3, Role.OWNER.name());
          ps.setTimestamp(4, now);
          ps.executeUpdate();
        }
        c.commit();
        return new Membership(new Tenant(id, name), Role.OWNER);
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Could not create the team", e);
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
      var now = Timestamp.from(clock.instant());
      ps.setString(1, caller.subject());
      ps.setString(2, caller.username());
      ps.setString(3, caller.displayName());
      ps.setString(4, caller.email());
      ps.setTimestamp(5, now);
      ps.setTimestamp(6, now);
      ps.executeUpdate();
    }
  }
}
