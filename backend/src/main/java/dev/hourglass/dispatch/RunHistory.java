package dev.hourglass.dispatch;

import dev.hourglass.action.ActionId;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.TenantId;
import java.util.List;

/** The runs of a tenant's actions, for people with the VIEW permission. */
public interface RunHistory {

  /** The action's latest runs, newest slot first. */
  List<ActionRun> runs(Caller caller, TenantId tenant, ActionId action, int limit);

  /** The action's job_stats. */
  ActionStats stats(Caller caller, TenantId tenant, ActionId action);

  /**
   * One run of the tenant's.
   *
   * @throws dev.hourglass.common.AccessDeniedException when it is not the tenant's
   */
  ActionRun run(Caller caller, TenantId tenant, long runId);
}
