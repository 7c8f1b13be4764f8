/**
 * The pgjdbc implementation of {@link dev.hourglass.pgcron.PgCronService}: locating the cron
 * database, reading {@code cron.job} and {@code cron.job_run_details}, the schedule translation
 * ({@link dev.hourglass.pgcron.internal.CronTranslation}, pure) and the adopt and export steps with
 * their undo.
 */
package dev.hourglass.pgcron.internal;
