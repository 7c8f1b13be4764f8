package dev.hourglass.timescale.internal;

import dev.hourglass.common.UserFacingException;
import dev.hourglass.database.DatabaseConnections;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.tenant.TenantId;
import java.sql.Connection;
import java.sql.SQLException;

/** Work on a target database through its pool, leaving the pooled session as it was found. */
final class Targets {

  private Targets() {}

  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  static <T> T on(
      DatabaseConnections targets,
      TenantId tenant,
      DatabaseId database,
      String what,
      Work<T> work) {
    try (var c = targets.open(tenant, database)) {
      try {
        return work.run(c);
      } finally {
        try (var reset = c.createStatement()) {
          if (!c.getAutoCommit()) {
            c.rollback();
            c.setAutoCommit(true);
          }
          reset.execute("discard all");
        } catch (SQLException ignored) {
          // A broken connection is replaced by the pool.
        }
      }
    } catch (SQLException e) {
      throw new UserFacingException(
          "Could not " + what + ": the database did not answer as expected (" + message(e) + ").");
    }
  }

  /** PostgreSQL's own message without the driver's prefixes, for sentences shown to people. */
  static String message(SQLException e) {
    if (e instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null) {
      return p.getServerErrorMessage().getMessage();
    }
    return e.getMessage();
  }
}
