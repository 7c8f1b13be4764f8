package dev.hourglass.dispatch;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One page of a run search, newest slot first.
 *
 * @param next where the following page starts; empty on the last page
 */
public record RunPage(List<ActionRun> runs, Optional<Cursor> next) {
  public RunPage {
    runs = List.copyOf(runs);
  }

  /** The position after a run in the newest-first order (keyset paging: no offset to count). */
  public record Cursor(Instant scheduledFor, long runId) {}
}
