/**
 * pg_cron side by side with actions: where a database's pg_cron lives (its cron database, version
 * and time zone), the pg_cron statement equivalent to each action with what pg_cron would lose, the
 * pg_cron jobs of a database with their recent runs, adopting a pg_cron job as an action, exporting
 * an action to pg_cron (each all or nothing), and a comparison of both over a period. See
 * docs/decisions/0015-20261126-pg-cron-side-by-side.md.
 *
 * <p>The root package is the API ({@link dev.hourglass.pgcron.PgCronService} and its records);
 * {@code internal} reads {@code cron.job} and {@code cron.job_run_details} through {@link
 * dev.hourglass.database.DatabaseConnections} and translates schedules. Uses {@code action}, {@code
 * database}, {@code dispatch} (run history), {@code schedule}, {@code tenant}, {@code security},
 * {@code common}.
 */
package dev.hourglass.pgcron;
