package dev.hourglass.dispatch;

import dev.hourglass.action.ActionId;
import dev.hourglass.action.Notice;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One run of an action, as recorded.
 *
 * @param scheduledFor the slot it ran for (or the retry time after a failure)
 * @param attempt 1 for a slot's first run, n + 1 after n failures in a row
 * @param startedAt when the call was sent to the database; empty while waiting or when it crashed
 * @param config the config the run was given
 */
public record ActionRun(
    long id,
    ActionId action,
    int jobId,
    Instant scheduledFor,
    int attempt,
    RunStatus status,
    String node,
    Optional<Instant> startedAt,
    Optional<Instant> finishedAt,
    Optional<String> sqlState,
    Optional<String> message,
    Optional<String> detail,
    Optional<String> hint,
    List<Notice> notices,
    String config) {

  /** Start minus slot: how late the run started. */
  public Optional<Duration> startLag() {
    return startedAt.map(s -> Duration.between(scheduledFor, s));
  }

  public Optional<Duration> duration() {
    return startedAt.flatMap(s -> finishedAt.map(f -> Duration.between(s, f)));
  }
}
