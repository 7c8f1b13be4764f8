package dev.hourglass.pgcron;

import dev.hourglass.action.RoutineName;
import dev.hourglass.common.InvalidInputException;
import java.util.Optional;

/**
 * Adopting a pg_cron job as an action.
 *
 * @param actionName empty for "pg_cron job N (name)"
 * @param wrapper the procedure to create for the job's command; empty for {@code
 *     public.pg_cron_job_<jobid>}
 * @param unscheduleInPgCron unschedule the job in pg_cron once the action exists; the action is
 *     then scheduled (when the job was active). Without it the action is created unscheduled, so
 *     the command never runs twice per slot
 * @param confirmed the person confirmed the unschedule explicitly; required with it
 */
public record AdoptRequest(
    long cronJobId,
    String actionName,
    Optional<RoutineName> wrapper,
    boolean unscheduleInPgCron,
    boolean confirmed) {

  public AdoptRequest {
    actionName = actionName == null ? "" : actionName.strip();
    wrapper = wrapper == null ? Optional.empty() : wrapper;
    if (unscheduleInPgCron && !confirmed) {
      throw new InvalidInputException(
          "confirm",
          "Unscheduling the job in pg_cron cannot be undone by Hourglass (a new job would get a new"
              + " id and no history). Tick the confirmation to go ahead, or keep the job in"
              + " pg_cron.");
    }
  }
}
