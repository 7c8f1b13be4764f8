package dev.hourglass.pgcron;

import dev.hourglass.database.DatabaseId;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;

/**
 * Where pg_cron keeps the jobs of a registered database, as found on its server, or why Hourglass
 * cannot reach them.
 *
 * @param databaseName the registered database's name on the server ({@code current_database()})
 * @param cronDatabase the registered database Hourglass reads {@code cron.job} through: the same
 *     one when it is pg_cron's database, another of the team's registrations of the same server
 *     otherwise; empty when none is registered (see {@link #problem})
 * @param cronDatabaseName {@code cron.database_name}; empty when pg_cron is not loaded
 * @param version the pg_cron extension's version, e.g. {@code 1.4-1}
 * @param zone the zone pg_cron evaluates schedules in ({@code cron.timezone}, GMT when pg_cron has
 *     no such setting, as 1.4)
 * @param mayScheduleInOtherDatabases whether the cron database's user may call {@code
 *     cron.schedule_in_database}, which pg_cron 1.4 grants to superusers only
 * @param problem empty when pg_cron can be used from here; else what is missing and what to do
 */
public record PgCronSite(
    DatabaseId database,
    String databaseName,
    Optional<DatabaseId> cronDatabase,
    Optional<String> cronDatabaseName,
    Optional<PgCronVersion> version,
    ZoneId zone,
    boolean mayScheduleInOtherDatabases,
    Optional<String> problem) {

  public PgCronSite {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(databaseName, "databaseName");
    Objects.requireNonNull(zone, "zone");
  }

  public boolean usable() {
    return problem.isEmpty() && cronDatabase.isPresent() && version.isPresent();
  }

  /** Whether the registered database is pg_cron's own database. */
  public boolean isCronDatabase() {
    return cronDatabaseName.map(databaseName::equals).orElse(false);
  }
}
