package dev.hourglass.action;

import dev.hourglass.database.DatabaseId;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.TenantId;
import java.util.List;
import java.util.Optional;

/**
 * TimescaleDB's job API, per tenant: add_job, alter_job, delete_job, run_job, with the same
 * parameters and defaults. Viewers may look; editors and up change. Every change is one
 * transaction; a refused input (routine missing or of the wrong signature, check_config rejecting
 * the config, an invalid schedule) saves nothing and names the field.
 */
public interface ActionService {

  /** The tenant's actions, of one database or all, by name. */
  List<Action> list(Caller caller, TenantId tenant, Optional<DatabaseId> database);

  Action get(Caller caller, TenantId tenant, ActionId id);

  /** add_job: checks the routine's signature and calls check_config before saving. */
  Action add(Caller caller, TenantId tenant, ActionDraft draft);

  /**
   * alter_job. With {@code configMerge} the draft's config keys are merged into the stored config
   * (TimescaleDB 2.x's {@code config => stored || new}); check_config runs when the config changes.
   *
   * @param expectedVersion the version the form was filled from
   */
  Action alter(
      Caller caller,
      TenantId tenant,
      ActionId id,
      ActionDraft draft,
      boolean configMerge,
      int expectedVersion);

  /** next_start = infinity: stays scheduled, does not run until resumed. */
  Action pause(Caller caller, TenantId tenant, ActionId id);

  /** Clears a pause or an automatic disable, resets the failure count, computes the next start. */
  Action resume(Caller caller, TenantId tenant, ActionId id);

  /** delete_job, keeping the history: the action is archived. */
  void delete(Caller caller, TenantId tenant, ActionId id);

  /**
   * run_job in the foreground with the server's notices (TimescaleDB's test-and-debug workflow).
   */
  ForegroundRun runNow(Caller caller, TenantId tenant, ActionId id);

  /** {@link #runNow} passing each notice to {@code live} as the server sends it. */
  ForegroundRun runNow(
      Caller caller, TenantId tenant, ActionId id, java.util.function.Consumer<Notice> live);
}
