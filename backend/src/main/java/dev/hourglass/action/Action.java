package dev.hourglass.action;

import dev.hourglass.database.DatabaseId;
import dev.hourglass.schedule.ActionSchedule;
import dev.hourglass.tenant.TenantId;
import java.time.Instant;
import java.util.Optional;

/**
 * An action as stored: TimescaleDB's job row plus what Hourglass adds.
 *
 * @param nextStart empty while paused (TimescaleDB's {@code infinity}) or unscheduled
 * @param disabledReason set when Hourglass unscheduled it after max_retries failures; says how to
 *     resume
 */
public record Action(
    ActionId id,
    int jobId,
    TenantId tenant,
    DatabaseId database,
    String databaseName,
    String jobName,
    RoutineName routine,
    Routine.Kind kind,
    ActionConfig config,
    Optional<RoutineName> checkConfig,
    ActionSchedule schedule,
    boolean scheduled,
    java.time.Duration maxRuntime,
    Optional<Instant> nextStart,
    int consecutiveFailures,
    Optional<String> disabledReason,
    int version,
    Instant createdAt,
    Instant updatedAt) {

  /** How the lists show and filter it. */
  public enum Status {
    ACTIVE("Active"),
    PAUSED("Paused"),
    FAILING("Failing"),
    DISABLED("Disabled");

    private final String label;

    Status(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  public Status status() {
    if (!scheduled) {
      return Status.DISABLED;
    }
    if (nextStart.isEmpty()) {
      return Status.PAUSED;
    }
    return consecutiveFailures > 0 ? Status.FAILING : Status.ACTIVE;
  }
}
