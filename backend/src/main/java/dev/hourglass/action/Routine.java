package dev.hourglass.action;

/**
 * A function or procedure found in a target database, and whether it can serve.
 *
 * @param kind PROCEDURE or FUNCTION
 * @param arguments its identity arguments as PostgreSQL prints them, e.g. {@code job_id integer,
 *     config jsonb}
 * @param whyNotAction empty when it has the action signature {@code (integer, jsonb)} and may be
 *     executed; else why not, for the person choosing
 * @param whyNotCheck empty when it can serve as check_config: a function {@code (jsonb)}
 */
public record Routine(
    RoutineName name, Kind kind, String arguments, String whyNotAction, String whyNotCheck) {

  /** Procedures are run with CALL, functions with SELECT. */
  public enum Kind {
    PROCEDURE,
    FUNCTION
  }

  public boolean usableAsAction() {
    return whyNotAction.isEmpty();
  }

  public boolean usableAsCheck() {
    return whyNotCheck.isEmpty();
  }
}
