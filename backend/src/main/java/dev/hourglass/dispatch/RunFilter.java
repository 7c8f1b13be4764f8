package dev.hourglass.dispatch;

import dev.hourglass.action.ActionId;
import dev.hourglass.common.InvalidInputException;
import dev.hourglass.database.DatabaseId;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What to look for in a tenant's runs: TimescaleDB's {@code job_history} narrowed to a database or
 * an action, to statuses, to a time range of slots, and, as {@code job_errors}, to an SQLSTATE or a
 * text in the error.
 *
 * @param statuses empty for every status
 * @param from slots at or after this instant
 * @param to slots before this instant
 * @param sqlState a whole SQLSTATE ({@code 42P01}) or its class ({@code 42}); finds failures only
 * @param text found in the message, detail or hint, ignoring case; finds failures only
 */
public record RunFilter(
    Optional<DatabaseId> database,
    Optional<ActionId> action,
    Set<RunStatus> statuses,
    Optional<Instant> from,
    Optional<Instant> to,
    Optional<String> sqlState,
    Optional<String> text) {

  public static final int MAX_TEXT = 200;
  private static final Pattern SQLSTATE = Pattern.compile("[0-9A-Z]{2}([0-9A-Z]{3})?");

  public RunFilter {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(action, "action");
    statuses = statuses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(statuses));
    sqlState =
        sqlState.map(s -> s.strip().toUpperCase(java.util.Locale.ROOT)).filter(s -> !s.isEmpty());
    text = text.map(String::strip).filter(s -> !s.isEmpty());
    if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
      throw new InvalidInputException("to", "The end of the time range must be after its start.");
    }
    if (sqlState.isPresent() && !SQLSTATE.matcher(sqlState.get()).matches()) {
      throw new InvalidInputException(
          "sqlState", "An SQLSTATE has five letters or digits (42P01), or two for its class (42).");
    }
    if (text.isPresent() && text.get().length() > MAX_TEXT) {
      throw new InvalidInputException(
          "text", "Search for at most " + MAX_TEXT + " characters of the error.");
    }
    if ((sqlState.isPresent() || text.isPresent())
        && !statuses.isEmpty()
        && statuses.stream().noneMatch(RunStatus::failed)) {
      throw new InvalidInputException(
          "statuses",
          "Only failed, timed-out and crashed runs have an error to search; add one of those"
              + " statuses or clear the error search.");
    }
  }

  /** Every run of the tenant. */
  public static RunFilter all() {
    return new RunFilter(
        Optional.empty(),
        Optional.empty(),
        Set.of(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  public RunFilter inDatabase(DatabaseId id) {
    return new RunFilter(Optional.of(id), action, statuses, from, to, sqlState, text);
  }

  public RunFilter ofAction(ActionId id) {
    return new RunFilter(database, Optional.of(id), statuses, from, to, sqlState, text);
  }

  public RunFilter withStatuses(Set<RunStatus> wanted) {
    return new RunFilter(database, action, wanted, from, to, sqlState, text);
  }

  public RunFilter between(Optional<Instant> start, Optional<Instant> end) {
    return new RunFilter(database, action, statuses, start, end, sqlState, text);
  }

  public RunFilter withError(Optional<String> state, Optional<String> contains) {
    return new RunFilter(database, action, statuses, from, to, state, contains);
  }

  /** True when only runs with an error can match (job_errors rather than job_history). */
  public boolean errorsOnly() {
    return sqlState.isPresent()
        || text.isPresent()
        || (!statuses.isEmpty() && statuses.stream().allMatch(RunStatus::failed));
  }
}
