package dev.hourglass.pgcron;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Runs counted and measured: success rate over finished runs, start lag and duration as median,
 * 95th percentile (nearest rank) and maximum.
 */
public record RunSummary(
    int runs,
    int succeeded,
    int failed,
    int running,
    Optional<Duration> lagMedian,
    Optional<Duration> lagP95,
    Optional<Duration> lagMax,
    Optional<Duration> durationMedian,
    Optional<Duration> durationP95,
    Optional<Duration> durationMax) {

  public static RunSummary of(Collection<CronRun> runs) {
    int ok = 0;
    int failed = 0;
    int running = 0;
    var lags = new ArrayList<Duration>();
    var durations = new ArrayList<Duration>();
    for (var r : runs) {
      switch (r.outcome()) {
        case SUCCEEDED -> ok++;
        case FAILED -> failed++;
        case RUNNING -> running++;
      }
      r.lag().ifPresent(lags::add);
      r.duration().ifPresent(durations::add);
    }
    return new RunSummary(
        runs.size(),
        ok,
        failed,
        running,
        rank(lags, 50),
        rank(lags, 95),
        rank(lags, 100),
        rank(durations, 50),
        rank(durations, 95),
        rank(durations, 100));
  }

  /** Succeeded over finished runs; empty when none finished. */
  public Optional<Double> successRate() {
    int finished = succeeded + failed;
    return finished == 0 ? Optional.empty() : Optional.of((double) succeeded / finished);
  }

  private static Optional<Duration> rank(List<Duration> values, int percentile) {
    if (values.isEmpty()) {
      return Optional.empty();
    }
    var sorted = new ArrayList<>(values);
    sorted.sort(Comparator.naturalOrder());
    int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
    return Optional.of(sorted.get(Math.max(0, Math.min(sorted.size() - 1, index))));
  }
}
