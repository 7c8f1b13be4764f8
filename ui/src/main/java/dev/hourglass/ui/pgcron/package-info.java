/**
 * The pg_cron page of a database: where pg_cron is, its jobs with their recent runs (adopt), each
 * action's pg_cron equivalent with what would be lost (export), and the comparison over a period
 * with a server-drawn SVG timeline ({@link dev.hourglass.ui.pgcron.Timeline}).
 */
package dev.hourglass.ui.pgcron;
