package dev.hourglass.dispatch;

import dev.hourglass.common.InvalidInputException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How long a tenant keeps its runs: runs whose slot is older than {@code maxAge}, and runs of an
 * action beyond its newest {@code maxRunsPerAction}, are deleted by the background retention job.
 * An empty rule is off; with both off, runs are kept forever.
 */
public record RetentionPolicy(Optional<Duration> maxAge, Optional<Integer> maxRunsPerAction) {
  public static final int MAX_DAYS = 3660;
  public static final int MIN_RUNS = 10;
  public static final int MAX_RUNS = 10_000_000;

  /** What a new team starts with (the control plane's column defaults). */
  public static final RetentionPolicy DEFAULT =
      new RetentionPolicy(Optional.of(Duration.ofDays(90)), Optional.of(10_000));

  public RetentionPolicy {
    Objects.requireNonNull(maxAge, "maxAge");
    Objects.requireNonNull(maxRunsPerAction, "maxRunsPerAction");
    if (maxAge.isPresent()) {
      var age = maxAge.get();
      if (age.toSeconds() % 86_400 != 0 || age.toDays() < 1 || age.toDays() > MAX_DAYS) {
        throw new InvalidInputException(
            "maxAge", "Keep runs for a whole number of days from 1 to " + MAX_DAYS + ".");
      }
    }
    if (maxRunsPerAction.isPresent()) {
      int count = maxRunsPerAction.get();
      if (count < MIN_RUNS || count > MAX_RUNS) {
        throw new InvalidInputException(
            "maxRunsPerAction",
            String.format(
                java.util.Locale.ROOT,
                "Keep from %,d to %,d runs per action.",
                MIN_RUNS,
                MAX_RUNS));
      }
    }
  }

  public static RetentionPolicy of(Optional<Integer> days, Optional<Integer> runs) {
    return new RetentionPolicy(days.map(d -> Duration.ofDays(d)), runs);
  }
}
