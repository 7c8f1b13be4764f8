package dev.hourglass.audit;

import dev.hourglass.audit.internal.AuditWriter;
import dev.hourglass.security.Caller;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Writes audit rows on the connection of the caller's own transaction: the change and its record
 * commit together or not at all. The connection must be scoped to the entry's tenant (as {@code
 * TenantAccess.inTenant} does); row-level security refuses the row otherwise.
 */
public final class Audit {

  private Audit() {}

  /** Records {@code entry} in the open transaction of {@code c}. */
  public static void record(Connection c, AuditEntry entry) throws SQLException {
    AuditWriter.insert(c, entry);
  }

  /**
   * Records that {@code person} signed in from their address: one row in each team they belong to
   * at this moment (so each team's admins see their own members' sign-ins, and keep them after the
   * person leaves), or one row in no team for a person without one. The connection's subject must
   * be the person.
   */
  public static void recordSignIn(Connection c, Caller person, Instant at) throws SQLException {
    AuditWriter.insertSignIn(c, person, at);
  }
}
