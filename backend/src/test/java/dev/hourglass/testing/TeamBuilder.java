package dev.hourglass.testing;

import dev.hourglass.security.Caller;
import dev.hourglass.tenant.Role;
import dev.hourglass.tenant.TenantId;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Test data: a team with people in given roles, written as the owner role (past row-level
 * security), so tests of other features need not go through invitations.
 */
public final class TeamBuilder {

  private final DataSource owner;
  private final TenantId tenant = TenantId.random();

  private TeamBuilder(DataSource owner) {
    this.owner = owner;
  }

  /** A new team, created by {@code creator} who becomes its owner. */
  public static TeamBuilder aTeam(ControlPlaneDatabase db, Caller creator) {
    var builder = new TeamBuilder(db.ownerDataSource());
    builder.sql(
        "insert into person (subject, username, display_name, email, first_seen, last_seen)"
            + " values (?, ?, ?, ?, now(), now()) on conflict do nothing",
        creator.subject(),
        creator.username(),
        creator.displayName(),
        creator.email());
    builder.sql(
        "insert into tenant (id, name, created_at, created_by) values (?, ?, now(), ?)",
        builder.tenant.value(),
        "Team " + builder.tenant.value().toString().substring(0, 8),
        creator.subject());
    return builder.with(creator, Role.OWNER);
  }

  /** Adds {@code who} with {@code role}. */
  public TeamBuilder with(Caller who, Role role) {
    sql(
        "insert into person (subject, username, display_name, email, first_seen, last_seen)"
            + " values (?, ?, ?, ?, now(), now()) on conflict do nothing",
        who.subject(),
        who.username(),
        who.displayName(),
        who.email());
    sql(
        "insert into membership (tenant_id, subject, role, joined_at) values (?, ?, ?, ?)",
        tenant.value(),
        who.subject(),
        role.name(),
        Timestamp.from(Instant.now()));
    return this;
  }

  public TenantId id() {
    return tenant;
  }

  /** A person with a random subject and a mail address from the name. */
  public static Caller aPerson(String name) {
    var id = UUID.randomUUID().toString();
    return new Caller(id, name.toLowerCase(), name, name.toLowerCase() + "-" + id + "@example.com");
  }

  private void sql(String statement, Object... args) {
    try (var c = owner.getConnection();
        var ps = c.prepareStatement(statement)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("Test data: " + e.getMessage(), e);
    }
  }
}
