package dev.hourglass.pgcron;

import dev.hourglass.action.ActionId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an action would be on pg_cron.
 *
 * @param schedule the pg_cron schedule; empty when the action's schedule is not expressible
 * @param notExpressible why the schedule cannot be written for pg_cron; empty when it can
 * @param command the SQL pg_cron would run: {@code CALL proc(job_id, 'config'::jsonb)}, or SELECT
 *     for a function, every name and literal quoted
 * @param statement the complete {@code cron.schedule} / {@code cron.schedule_in_database} call, to
 *     run in the cron database; empty when not expressible
 * @param jobName the pg_cron job name Hourglass uses for it ({@code hourglass-action-<job_id>})
 * @param losses what the action would lose on pg_cron, point by point
 * @param exportedAs the pg_cron job already carrying {@link #jobName}, if any
 */
public record PgCronEquivalent(
    ActionId action,
    String actionName,
    Optional<String> schedule,
    Optional<String> notExpressible,
    String command,
    Optional<String> statement,
    String jobName,
    List<Loss> losses,
    Optional<Long> exportedAs) {

  public PgCronEquivalent {
    Objects.requireNonNull(action, "action");
    losses = List.copyOf(losses);
    if (schedule.isPresent() == notExpressible.isPresent()) {
      throw new IllegalArgumentException("either a schedule or the reason it has none");
    }
  }

  public boolean expressible() {
    return schedule.isPresent();
  }

  /**
   * One thing pg_cron does differently.
   *
   * @param topic e.g. "Retries and backoff"
   * @param applies whether it changes this action's behaviour (false: it would, had the action used
   *     the feature)
   */
  public record Loss(String topic, String text, boolean applies) {}
}
