package dev.hourglass.pgcron;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One run, of a pg_cron job or of an action, reduced to what the comparison needs.
 *
 * @param slot the schedule time it ran for; empty when it cannot be known (a seconds schedule)
 * @param end empty while running
 * @param message pg_cron's return_message or the action's error; may be empty
 */
public record CronRun(
    Optional<Instant> slot, Instant start, Optional<Instant> end, Outcome outcome, String message) {

  public enum Outcome {
    SUCCEEDED,
    FAILED,
    RUNNING
  }

  public CronRun {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(outcome, "outcome");
    message = message == null ? "" : message;
  }

  /** Start minus slot. */
  public Optional<Duration> lag() {
    return slot.map(s -> Duration.between(s, start));
  }

  public Optional<Duration> duration() {
    return end.map(e -> Duration.between(start, e));
  }
}
