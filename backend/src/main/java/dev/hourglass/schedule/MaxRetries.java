package dev.hourglass.schedule;

import dev.hourglass.common.InvalidInputException;

/**
 * TimescaleDB's {@code max_retries}: after this many consecutive failures the action is
 * unscheduled. {@code -1} means unlimited (TimescaleDB's default for user-defined actions).
 *
 * <p>{@code 0} means no retries: the action stops after its first failure, as the product defines
 * it (issue 4: "-1 unlimited, 0 none"). TimescaleDB's own code checks {@code max_retries > 0}
 * (src/bgw/job.c, {@code ts_bgw_job_check_max_retries}) and so retries forever at 0, against its
 * documentation; decision 0009 records the difference.
 */
public record MaxRetries(int value) {

  public static final MaxRetries UNLIMITED = new MaxRetries(-1);

  public MaxRetries {
    if (value < -1) {
      throw new InvalidInputException(
          "max_retries",
          "max_retries is "
              + value
              + ". Enter -1 for unlimited retries, 0 for none, or a number of consecutive"
              + " failures after which the action stops.");
    }
  }

  public static MaxRetries of(int value) {
    return new MaxRetries(value);
  }

  /** True when {@code consecutiveFailures} reaches the limit and the action must stop. */
  public boolean reachedBy(int consecutiveFailures) {
    return value >= 0 && consecutiveFailures >= Math.max(1, value);
  }
}
