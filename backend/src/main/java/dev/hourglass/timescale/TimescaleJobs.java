package dev.hourglass.timescale;

import dev.hourglass.action.Action;
import dev.hourglass.action.ActionId;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.TenantId;

/**
 * The native jobs of a team's TimescaleDB database, next to its actions. Viewers may list; editors
 * adopt and hand back. Adopting and handing back are all or nothing: when the second half fails,
 * the first is undone and the error says so.
 */
public interface TimescaleJobs {

  /** The database's jobs (policies included, read-only), their stats and latest recorded runs. */
  NativeJobs list(Caller caller, TenantId tenant, DatabaseId database);

  /**
   * Creates an action with the native job's procedure, config, check_config and schedule, then
   * unschedules the native job ({@code alter_job(job_id, scheduled => false)}).
   *
   * @param unscheduleConfirmed the person confirmed that the native job is to be unscheduled;
   *     refused without
   */
  Action adopt(
      Caller caller,
      TenantId tenant,
      DatabaseId database,
      int nativeJobId,
      boolean unscheduleConfirmed);

  /**
   * Gives an adopted job back to TimescaleDB: the native job gets the action's config and schedule
   * and is scheduled again from the action's next start, then the action is deleted (archived, its
   * run history kept).
   */
  void handBack(Caller caller, TenantId tenant, ActionId action, boolean rescheduleConfirmed);
}
