package dev.hourglass.dispatch;

import dev.hourglass.action.ActionId;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.tenant.TenantId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A run's outcome as recorded, with what it did to its action: for {@link RunOutcomeObserver}s.
 *
 * @param attempt 1 for a first try, n for the (n-1)th retry after failures
 * @param consecutiveFailures the action's failures in a row after this outcome (0 after a success)
 * @param nextStart when the action runs next, empty when paused, unscheduled or disabled
 * @param disabledReason set when this outcome disabled the action (max_retries reached)
 */
public record RecordedOutcome(
    TenantId tenant,
    ActionId action,
    DatabaseId database,
    long runId,
    RunStatus status,
    Instant scheduledFor,
    int attempt,
    Instant finishedAt,
    String sqlState,
    String message,
    String detail,
    String hint,
    int consecutiveFailures,
    Optional<Instant> nextStart,
    Optional<String> disabledReason) {

  public RecordedOutcome {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(finishedAt, "finishedAt");
    Objects.requireNonNull(nextStart, "nextStart");
    Objects.requireNonNull(disabledReason, "disabledReason");
  }
}
