package dev.hourglass.action;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A run done while the person watched ("Run now"): TimescaleDB's test-and-debug workflow, {@code
 * SET client_min_messages TO DEBUG1; CALL run_job(id)}.
 *
 * @param notices what the server said, in order, down to DEBUG1 (at most {@link #MAX_NOTICES})
 * @param error empty when it succeeded
 */
public record ForegroundRun(List<Notice> notices, Optional<SqlProblem> error, Duration took) {
  public static final int MAX_NOTICES = 500;

  public boolean succeeded() {
    return error.isEmpty();
  }
}
