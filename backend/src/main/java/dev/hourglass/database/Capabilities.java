package dev.hourglass.database;

import java.util.Objects;
import java.util.Optional;

/**
 * What a target database offers, as seen by the connecting user.
 *
 * @param serverVersion the version number, e.g. {@code 15.19}, without the distribution suffix
 * @param serverVersionNum {@code server_version_num}, e.g. {@code 150019}
 * @param timescaledbVersion the installed TimescaleDB extension's version in this database
 * @param pgCronVersion the installed pg_cron extension's version in this database
 * @param cronDatabaseName {@code cron.database_name}, when pg_cron is loaded on the server
 * @param canCreateProcedures whether the user may create objects in at least one non-system schema
 *     of a primary (not a standby)
 */
public record Capabilities(
    String serverVersion,
    int serverVersionNum,
    Optional<String> timescaledbVersion,
    Optional<String> pgCronVersion,
    Optional<String> cronDatabaseName,
    boolean canCreateProcedures) {

  public Capabilities {
    Objects.requireNonNull(serverVersion, "serverVersion");
    Objects.requireNonNull(timescaledbVersion, "timescaledbVersion");
    Objects.requireNonNull(pgCronVersion, "pgCronVersion");
    Objects.requireNonNull(cronDatabaseName, "cronDatabaseName");
  }
}
