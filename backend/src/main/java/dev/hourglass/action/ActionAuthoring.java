package dev.hourglass.action;

import dev.hourglass.database.DatabaseId;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.TenantId;
import java.util.List;

/**
 * Working inside a target database on an action's code: listing what can be an action, creating a
 * procedure from SQL, calling check_config, and running in the foreground. Each call checks the
 * caller's role in {@code tenant} and that {@code database} is the tenant's.
 */
public interface ActionAuthoring {

  /**
   * The database's functions and procedures (outside system schemas), each saying if it can serve.
   */
  List<Routine> routines(Caller caller, TenantId tenant, DatabaseId database);

  /**
   * Runs {@code sql} (typically {@code CREATE PROCEDURE ...}) in one transaction on the target;
   * editors and up.
   *
   * @return the routines afterwards
   * @throws SqlProblem with PostgreSQL's message and the line/column in {@code sql}; nothing stays
   */
  List<Routine> createRoutine(Caller caller, TenantId tenant, DatabaseId database, String sql);

  /**
   * Calls {@code check(config)} on the target, as TimescaleDB does on add_job and whenever config
   * changes; editors and up.
   *
   * @throws SqlProblem with the check function's error
   */
  void checkConfig(
      Caller caller, TenantId tenant, DatabaseId database, RoutineName check, ActionConfig config);

  /**
   * Runs the routine now with {@code jobId} and {@code config}, collecting the server's notices
   * down to DEBUG1; editors and up. Its effects are committed when it succeeds.
   */
  ForegroundRun runNow(
      Caller caller,
      TenantId tenant,
      DatabaseId database,
      RoutineName routine,
      int jobId,
      ActionConfig config);

  /**
   * {@link #runNow} passing each notice to {@code live} as the server sends it, cancelled on the
   * target after {@code maxRuntime} (zero: no limit).
   */
  ForegroundRun runNow(
      Caller caller,
      TenantId tenant,
      DatabaseId database,
      RoutineName routine,
      int jobId,
      ActionConfig config,
      java.time.Duration maxRuntime,
      java.util.function.Consumer<Notice> live);
}
