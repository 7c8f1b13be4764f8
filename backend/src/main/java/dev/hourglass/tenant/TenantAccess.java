package dev.hourglass.tenant;

import dev.hourglass.common.AccessDeniedException;
import dev.hourglass.common.Transactions;
import dev.hourglass.security.Caller;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The role check every tenant-scoped command makes first, inside its own transaction, so a member
 * removed a moment ago cannot finish a command. Used by every feature's service implementation.
 */
public final class TenantAccess {

  /** Shown alike for "no such team" and "not yours", so foreign ids cannot be probed. */
  public static final String NOT_A_MEMBER =
      "You are not a member of this team, or it does not exist. Switch to one of your teams.";

  private TenantAccess() {}

  /**
   * Returns the caller's role in {@code tenant}.
   *
   * @throws AccessDeniedException when the caller is not a member or the role does not allow {@code
   *     permission}
   */
  public static Role require(Connection c, Caller caller, TenantId tenant, Permission permission)
      throws SQLException {
    Role role;
    try (var ps =
        c.prepareStatement("select role from membership where tenant_id = ? and subject = ?")) {
      ps.setObject(1, tenant.value());
      ps.setString(2, caller.subject());
      try (var rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new AccessDeniedException(NOT_A_MEMBER);
        }
        role = Role.valueOf(rs.getString(1));
      }
    }
    if (!role.allows(permission)) {
      throw new AccessDeniedException(
          "You are "
              + article(role)
              + " "
              + role.label().toLowerCase(java.util.Locale.ROOT)
              + " of this team; to "
              + permission.sentence()
              + " you need to be "
              + permission.least().label().toLowerCase(java.util.Locale.ROOT)
              + " or higher. Ask an owner or admin of the team.");
    }
    return role;
  }

  /**
   * Runs {@code work} in one transaction as {@code caller} inside {@code tenant}, after checking
   * that the caller's role allows {@code permission}: the check and the work see the same data.
   */
  public static <T> T inTenant(
      DataSource dataSource,
      Caller caller,
      TenantId tenant,
      Permission permission,
      String what,
      Transactions.Work<T> work) {
    return Transactions.inTransaction(
        dataSource,
        caller.subject(),
        tenant.value(),
        what,
        c -> {
          require(c, caller, tenant, permission);
          return work.run(c);
        });
  }

  /** Checks the caller's role in a transaction of its own, before work elsewhere (a target). */
  public static Role require(
      DataSource dataSource, Caller caller, TenantId tenant, Permission permission) {
    return Transactions.inTransaction(
        dataSource,
        caller.subject(),
        tenant.value(),
        "check your role",
        c -> require(c, caller, tenant, permission));
  }

  private static String article(Role role) {
    return role == Role.OWNER || role == Role.ADMIN || role == Role.EDITOR ? "an" : "a";
  }
}
