package dev.hourglass.schedule;

import dev.hourglass.common.InvalidInputException;

/**
 * TimescaleDB's {@code max_retries}: after this many consecutive failures the action is
 * unscheduled. {@code -1} means unlimited (TimescaleDB's default for user-defined actions).
 *
 * <p>{@code 0} also never unschedules: TimescaleDB checks {@code max_retries > 0} before counting
 * (src/bgw/job.c, {@code ts_bgw_job_check_max_retries}), and we follow it.
 */
public record MaxRetries(int value) {

  public static final MaxRetries UNLIMITED = new MaxRetries(-1);

  public MaxRetries {
    if (value < -1) {
      throw new InvalidInputException(
          "max_retries",
          "max_retries is "
              + value
              + ". Enter -1 for unlimited retries or a number of consecutive failures (1 or more)"
              + " after which the action stops.");
    }
  }

  public static MaxRetries of(int value) {
    return new MaxRetries(value);
  }

  /** True when {@code consecutiveFailures} reaches the limit and the action must stop. */
  public boolean reachedBy(int consecutiveFailures) {
    return value > 0 && consecutiveFailures >= value;
  }
}
