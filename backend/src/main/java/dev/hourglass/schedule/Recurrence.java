package dev.hourglass.schedule;

/**
 * What repeats: a PostgreSQL {@link Interval} (TimescaleDB's {@code schedule_interval}) or a {@link
 * CronSpec} (a Hourglass addition; TimescaleDB has no cron).
 */
public sealed interface Recurrence permits Interval, CronSpec {}
