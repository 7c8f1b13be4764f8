package dev.hourglass.pgcron;

/**
 * An action exported to pg_cron.
 *
 * @param cronJobId the new {@code cron.job} row
 * @param statement the call that created it
 * @param actionPaused whether the action was paused with it
 */
public record ExportResult(long cronJobId, String statement, boolean actionPaused) {}
