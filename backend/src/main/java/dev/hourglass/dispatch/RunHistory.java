package dev.hourglass.dispatch;

import dev.hourglass.action.ActionId;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.TenantId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The runs of a tenant's actions, for people with the VIEW permission. */
public interface RunHistory {

  /** The action's latest runs, newest slot first. */
  List<ActionRun> runs(Caller caller, TenantId tenant, ActionId action, int limit);

  /**
   * The tenant's runs that match {@code filter}, newest slot first, {@code limit} at a time (at
   * most 500); pass the previous page's {@link RunPage#next()} to go on.
   *
   * @throws dev.hourglass.common.UserFacingException when the search takes too long, saying how to
   *     narrow it
   */
  RunPage search(
      Caller caller, TenantId tenant, RunFilter filter, Optional<RunPage.Cursor> after, int limit);

  /** The action's job_stats. */
  ActionStats stats(Caller caller, TenantId tenant, ActionId action);

  /**
   * The job_stats of every action of the tenant, or of one of its databases, read at once for the
   * lists. Deleted actions are left out; an unknown database gives an empty map.
   */
  Map<ActionId, ActionStats> stats(Caller caller, TenantId tenant, Optional<DatabaseId> database);

  /**
   * One run of the tenant's.
   *
   * @throws dev.hourglass.common.AccessDeniedException when it is not the tenant's
   */
  ActionRun run(Caller caller, TenantId tenant, long runId);
}
