package dev.hourglass.dispatch;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Told of every run outcome inside the transaction that records it, in the run's tenant scope, so
 * whatever it writes (an alert to send) commits or rolls back with the outcome itself. Dispatch
 * knows no more of its observers than this; alerts implement it (issue 7).
 *
 * <p>The ledger gives each tenant's observations a savepoint of their own: an observer that fails
 * loses its writes and is logged, but never stops outcomes from being recorded.
 */
@FunctionalInterface
public interface RunOutcomeObserver {

  /** Observes nothing: for nodes and tests without alerts. */
  RunOutcomeObserver NONE = (c, outcome) -> {};

  /**
   * Called after the run row and the action (next start, counters) have been updated.
   *
   * @param connection the recording transaction, scoped to {@code outcome.tenant()}; do not commit
   */
  void recorded(Connection connection, RecordedOutcome outcome) throws SQLException;

  /**
   * All outcomes of one tenant recorded in one transaction; an observer may override it to do
   * per-batch work once rather than once per outcome.
   */
  default void recordedAll(Connection connection, java.util.List<RecordedOutcome> outcomes)
      throws SQLException {
    for (var outcome : outcomes) {
      recorded(connection, outcome);
    }
  }
}
