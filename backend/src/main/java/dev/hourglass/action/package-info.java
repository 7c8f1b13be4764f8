/**
 * Actions: TimescaleDB's user-defined actions hosted by Hourglass. A function or procedure with the
 * signature {@code (job_id int, config jsonb)} in a tenant's database, its config, its optional
 * check_config function, and (with the schedule feature) when it runs.
 *
 * <p>The root package is the API ({@link dev.hourglass.action.ActionService}, {@link
 * dev.hourglass.action.Routine}, ...); {@code internal} reads the target's catalog and runs SQL
 * there through {@link dev.hourglass.database.DatabaseConnections}. Uses {@code tenant}, {@code
 * database}, {@code security}, {@code common}.
 */
package dev.hourglass.action;
