package dev.hourglass.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Decides when an action runs next, following TimescaleDB's job scheduler (src/bgw/job_stat.c) rule
 * for rule; docs/decisions/0009-20261126-schedule-semantics.md lists each rule with its source.
 * Pure: time comes only from the arguments and randomness (the failure jitter) only from the
 * injected generator.
 */
public final class NextStartCalculator {

  /** job_stat.c MAX_FAILURES_MULTIPLIER: the backoff stops growing after 20 failures. */
  static final int MAX_FAILURES_MULTIPLIER = 20;

  /** job_stat.c MAX_INTERVALS_BACKOFF: a failure never waits more than 5 schedule intervals. */
  static final int MAX_INTERVALS_BACKOFF = 5;

  /** job_stat.c MIN_WAIT_AFTER_CRASH_MS: time for an operator to disable a crashing action. */
  public static final Duration MIN_WAIT_AFTER_CRASH = Duration.ofMinutes(5);

  private static final int MAX_PREVIEW = 1000;

  private final RandomGenerator random;

  public NextStartCalculator(RandomGenerator random) {
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * The first run of a new action: {@code initial_start} when given, else at once ({@code
   * createdAt}), as add_job leaves it. A cron schedule first fires at its first time at or after
   * {@code initial_start}, else after {@code createdAt}.
   */
  public NextStep firstRun(ActionSchedule schedule, Instant createdAt) {
    Objects.requireNonNull(createdAt, "createdAt");
    if (schedule.recurrence() instanceof CronSpec cron) {
      Instant after =
          schedule.initialStart() != null ? schedule.initialStart().minusNanos(1) : createdAt;
      return new NextStep.RunAt(cron.nextAfter(after, schedule.calendarZone()));
    }
    return new NextStep.RunAt(
        schedule.initialStart() != null ? schedule.initialStart() : createdAt);
  }

  /**
   * After a successful run that finished at {@code finishedAt}: on a fixed schedule the first slot
   * strictly after it (slots missed while running are skipped), otherwise {@code finishedAt +
   * schedule_interval} (job_stat.c calculate_next_start_on_success).
   */
  public NextStep afterSuccess(ActionSchedule schedule, Instant finishedAt) {
    return new NextStep.RunAt(nextSlot(schedule, finishedAt));
  }

  /**
   * After the run reported failure number {@code consecutiveFailures} in a row (this one included):
   * stop when {@code max_retries} is reached, else wait {@code retry_period × min(n, 20)}, at most
   * 5 schedule intervals, times a jitter factor of 1 + (16 − k)/128 with k uniform in 0..31; on a
   * fixed schedule never later than the next slot (job_stat.c calculate_next_start_on_failure,
   * job.c ts_bgw_job_check_max_retries).
   */
  public NextStep afterFailure(
      ActionSchedule schedule, Instant finishedAt, int consecutiveFailures) {
    requirePositive(consecutiveFailures, "consecutiveFailures");
    if (schedule.maxRetries().reachedBy(consecutiveFailures)) {
      return new NextStep.Disable(
          "Stopped after "
              + consecutiveFailures
              + (consecutiveFailures == 1 ? " failure" : " failures")
              + " in a row (max retries is "
              + schedule.maxRetries().value()
              + "). Fix the cause, then resume the action to schedule it again.");
    }
    return new NextStep.RunAt(backoff(schedule, finishedAt, consecutiveFailures));
  }

  /**
   * After a run that never reported back (a crash), noticed at {@code noticedAt}: the failure
   * backoff counted from {@code noticedAt} with the number of consecutive crashes, but never sooner
   * than 5 minutes after {@code noticedAt} (job_stat.c calculate_next_start_on_crash). Crashes do
   * not count towards {@code max_retries}, as in TimescaleDB.
   */
  public NextStep afterCrash(ActionSchedule schedule, Instant noticedAt, int consecutiveCrashes) {
    return afterCrash(schedule, noticedAt, consecutiveCrashes, MIN_WAIT_AFTER_CRASH);
  }

  /**
   * {@link #afterCrash(ActionSchedule, Instant, int)} with the least wait chosen by the operator
   * instead of TimescaleDB's 5 minutes.
   */
  public NextStep afterCrash(
      ActionSchedule schedule, Instant noticedAt, int consecutiveCrashes, Duration minWait) {
    requirePositive(consecutiveCrashes, "consecutiveCrashes");
    Instant backoff = backoff(schedule, noticedAt, consecutiveCrashes);
    Instant earliest = noticedAt.plus(minWait);
    return new NextStep.RunAt(earliest.isAfter(backoff) ? earliest : backoff);
  }

  /**
   * After the schedule was changed (alter_job with fixed_schedule, initial_start or timezone): a
   * fixed schedule moves to its first slot after {@code now}; a drifting one to {@code lastFinish +
   * schedule_interval}, or at once when it never finished (tsl/src/bgw_policy/job_api.c job_alter).
   */
  public NextStep afterChange(ActionSchedule schedule, Optional<Instant> lastFinish, Instant now) {
    if (schedule.fixedSchedule()) {
      return new NextStep.RunAt(nextSlot(schedule, now));
    }
    return new NextStep.RunAt(lastFinish.map(f -> nextSlot(schedule, f)).orElse(now));
  }

  /**
   * The user set {@code next_start}: it overrides the calculated one; empty ({@code 'infinity'})
   * pauses the action.
   */
  public static NextStep requested(Optional<Instant> nextStart) {
    return nextStart.<NextStep>map(NextStep.RunAt::new).orElseGet(NextStep.Paused::new);
  }

  /**
   * When the scheduler, looking at {@code now}, starts an action whose planned step is {@code
   * step}: an overdue start (after downtime, however many slots were missed) runs now, once; the
   * run's outcome then plans the next slot. Empty when paused or disabled.
   */
  public static Optional<Instant> startTime(NextStep step, Instant now) {
    if (step instanceof NextStep.RunAt run) {
      return Optional.of(run.at().isBefore(now) ? now : run.at());
    }
    return Optional.empty();
  }

  /**
   * The next regular start after {@code after}: the next fixed slot or cron time strictly after it,
   * or {@code after + schedule_interval} on a drifting schedule.
   */
  public Instant nextSlot(ActionSchedule schedule, Instant after) {
    Objects.requireNonNull(after, "after");
    if (schedule.recurrence() instanceof CronSpec cron) {
      return cron.nextAfter(after, schedule.calendarZone());
    }
    Interval interval = (Interval) schedule.recurrence();
    return schedule.fixedSchedule()
        ? FixedSlots.nextAfter(interval, schedule.initialStart(), schedule.timezone(), after)
        : PgTime.plus(after, interval, schedule.calendarZone());
  }

  /**
   * The next {@code count} run times after {@code from}, for the schedule builder: {@code
   * initial_start} first when it is still ahead, then the regular slots. For a drifting schedule
   * this assumes each run takes no time.
   */
  public List<Instant> preview(ActionSchedule schedule, Instant from, int count) {
    if (count < 1 || count > MAX_PREVIEW) {
      throw new IllegalArgumentException("count must be 1.." + MAX_PREVIEW + ": " + count);
    }
    var times = new ArrayList<Instant>(count);
    Instant start = schedule.initialStart();
    Instant next =
        start != null && start.isAfter(from)
            ? ((NextStep.RunAt) firstRun(schedule, from)).at()
            : nextSlot(schedule, from);
    times.add(next);
    while (times.size() < count) {
      next = nextSlot(schedule, next);
      times.add(next);
    }
    return List.copyOf(times);
  }

  /** job_stat.c calculate_next_start_on_failure, used for failures and crashes alike. */
  private Instant backoff(ActionSchedule schedule, Instant finish, int consecutive) {
    double jitter = jitter();
    int multiplier = Math.min(consecutive, MAX_FAILURES_MULTIPLIER);
    Interval ceiling = cadence(schedule, finish).times(MAX_INTERVALS_BACKOFF);
    Interval wait = schedule.retryPeriod().times(multiplier).atMost(ceiling).times(1.0 + jitter);
    Instant result = PgTime.plus(finish, wait, schedule.calendarZone());
    if (schedule.fixedSchedule()) {
      Instant slot = nextSlot(schedule, finish);
      if (result.isAfter(slot)) {
        result = slot;
      }
    }
    return result;
  }

  /**
   * TimescaleDB's calculate_jitter_percent: (16 − (rand() % 32)) / 128, i.e. −15/128 .. +16/128
   * (about ±12 %; the source comment says ±12.5 %, the code gives this range).
   */
  private double jitter() {
    return Math.scalb((double) (16 - random.nextInt(32)), -7);
  }

  /**
   * The schedule interval; for cron, which has none, the gap between the two cron times after
   * {@code finish} stands in for it.
   */
  private Interval cadence(ActionSchedule schedule, Instant finish) {
    if (schedule.recurrence() instanceof CronSpec cron) {
      Instant first = cron.nextAfter(finish, schedule.calendarZone());
      Instant second = cron.nextAfter(first, schedule.calendarZone());
      return new Interval(0, 0, ChronoUnit.MICROS.between(first, second));
    }
    return (Interval) schedule.recurrence();
  }

  private static void requirePositive(int value, String name) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " counts this one and must be 1 or more: " + value);
    }
  }
}
