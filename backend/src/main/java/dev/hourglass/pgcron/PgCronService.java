package dev.hourglass.pgcron;

import dev.hourglass.action.Action;
import dev.hourglass.action.ActionId;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.TenantId;
import java.time.Instant;

/**
 * pg_cron next to Hourglass, for one registered database of a tenant. Reading needs the VIEW
 * permission, adopting and exporting EDIT_ACTIONS. pg_cron's tables are read through the team's
 * registration of the cron database ({@code cron.database_name}) of the same server, as its user:
 * pg_cron shows a user only the jobs it owns.
 */
public interface PgCronService {

  /** Where pg_cron is for this database, or what is missing. */
  PgCronSite site(Caller caller, TenantId tenant, DatabaseId database);

  /**
   * The site, the pg_cron jobs that run in this database with their runs since {@code since}, and
   * each action's pg_cron equivalent (without a usable site: statements for GMT and pg_cron 1.4).
   */
  PgCronOverview overview(Caller caller, TenantId tenant, DatabaseId database, Instant since);

  /** The pg_cron statement equivalent to the action, with what would be lost. */
  PgCronEquivalent equivalent(Caller caller, TenantId tenant, ActionId action);

  /**
   * Makes the pg_cron job an action: a procedure in the database wrapping its command, an action
   * with the same cron schedule, and (when asked and confirmed) the job unscheduled in pg_cron. All
   * or nothing: when a step fails, the steps done are undone and the message says so.
   */
  Action adopt(Caller caller, TenantId tenant, DatabaseId database, AdoptRequest request);

  /**
   * Creates the action's pg_cron job ({@code cron.schedule_in_database}) and optionally pauses the
   * action. All or nothing: if pausing fails, the job is unscheduled again.
   */
  ExportResult export(Caller caller, TenantId tenant, ActionId action, boolean pauseAction);

  /** The database's pg_cron jobs and actions, run by run, over {@code [from, to)}. */
  Comparison compare(Caller caller, TenantId tenant, DatabaseId database, Instant from, Instant to);
}
