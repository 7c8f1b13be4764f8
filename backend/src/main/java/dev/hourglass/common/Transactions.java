package dev.hourglass.common;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * One transaction per command on the control plane, with the person and tenant it runs for set as
 * transaction-local settings that the row-level security policies read (migration V2).
 *
 * <p>The tenant is passed explicitly on every call, never kept in a thread-local: see
 * docs/decisions/0007-20261126-tenant-isolation.md.
 */
public final class Transactions {

  /** Work done on one connection inside the transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private Transactions() {}

  /**
   * Runs {@code work} in one transaction as {@code subject}, inside {@code tenant} when it is not
   * null; commits when it returns, rolls back when it throws.
   *
   * @param what what is being done, for the message of an unexpected database failure
   */
  public static <T> T inTransaction(
      DataSource dataSource, String subject, UUID tenant, String what, Work<T> work) {
    try (var c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        setScope(c, subject, tenant);
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Could not " + what + " (SQLSTATE " + e.getSQLState() + ")", e);
    }
  }

  /** Sets the transaction's person and tenant; a null tenant clears it. */
  public static void setScope(Connection c, String subject, UUID tenant) throws SQLException {
    try (var ps =
        c.prepareStatement(
            "select set_config('hourglass.subject', ?, true),"
                + " set_config('hourglass.tenant', ?, true),"
                // Intervals are read back as text and parsed; fix the style an operator could
                // have changed for the database or role.
                + " set_config('IntervalStyle', 'postgres', true)")) {
      ps.setString(1, subject == null ? "" : subject);
      ps.setString(2, tenant == null ? "" : tenant.toString());
      ps.execute();
    }
  }
}
