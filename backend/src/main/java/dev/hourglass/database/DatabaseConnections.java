package dev.hourglass.database;

import dev.hourglass.tenant.TenantId;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Connections to a tenant's registered databases, for the features that work inside them (actions,
 * runs, pg_cron, TimescaleDB). Each comes from the database's bounded pool, counts against the
 * tenant's connection cap, and passes the network policy at connect time. Close it when done.
 */
public interface DatabaseConnections {

  /**
   * @throws dev.hourglass.common.UserFacingException when the database is not the tenant's (or no
   *     longer registered)
   * @throws SQLException when it cannot be reached or the tenant's cap is reached
   */
  Connection open(TenantId tenant, DatabaseId database) throws SQLException;
}
