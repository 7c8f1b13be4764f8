/**
 * When actions run: the pure schedule rules. {@link dev.hourglass.schedule.ActionSchedule} holds
 * what add_job/alter_job take (an {@link dev.hourglass.schedule.Interval} or a {@link
 * dev.hourglass.schedule.CronSpec}, fixed schedule, initial start, time zone, retry period, {@link
 * dev.hourglass.schedule.MaxRetries}); {@link dev.hourglass.schedule.NextStartCalculator} turns a
 * run's outcome into a {@link dev.hourglass.schedule.NextStep} and previews upcoming run times.
 *
 * <p>The rules follow TimescaleDB's job scheduler (src/bgw/job_stat.c, src/bgw/job.c,
 * tsl/src/bgw_policy/job_api.c) and PostgreSQL's interval arithmetic; each rule, its source, and
 * where we differ (cron, UTC instead of the session time zone) are in
 * docs/decisions/0009-20261126-schedule-semantics.md.
 *
 * <p>No database, CDI or I/O: time comes only from arguments, randomness (the failure jitter) only
 * from an injected {@link java.util.random.RandomGenerator}. May use {@code common}; must not use
 * {@code run} (schedule decides when, run decides how) or Vaadin.
 */
package dev.hourglass.schedule;
