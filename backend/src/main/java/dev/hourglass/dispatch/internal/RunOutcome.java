package dev.hourglass.dispatch.internal;

import dev.hourglass.action.Notice;
import dev.hourglass.dispatch.RunStatus;
import java.time.Instant;
import java.util.List;

/** What running a claimed run gave, to be recorded. */
record RunOutcome(
    ClaimedRun run,
    RunStatus status,
    Instant startedAt,
    Instant finishedAt,
    String sqlState,
    String message,
    String detail,
    String hint,
    List<Notice> notices) {

  static RunOutcome succeeded(
      ClaimedRun run, Instant started, Instant finished, List<Notice> notices) {
    return new RunOutcome(
        run, RunStatus.SUCCEEDED, started, finished, null, null, null, null, notices);
  }

  /** A run that failed before PostgreSQL could say why (no SQLSTATE, detail or hint). */
  static RunOutcome failed(ClaimedRun run, Instant started, Instant finished, String message) {
    return new RunOutcome(
        run, RunStatus.FAILED, started, finished, null, message, null, null, List.of());
  }
}
