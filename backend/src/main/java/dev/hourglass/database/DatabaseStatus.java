package dev.hourglass.database;

import java.time.Instant;
import java.util.Optional;

/**
 * Whether Hourglass could reach a database at its last check.
 *
 * @param reachable empty before the first check
 * @param since when the database became reachable or unreachable
 * @param lastCheck when it was last checked
 * @param problem why the last check failed
 * @param message the last check's sentence for people
 */
public record DatabaseStatus(
    Optional<Boolean> reachable,
    Optional<Instant> since,
    Optional<Instant> lastCheck,
    Optional<ConnectionProblem> problem,
    String message) {

  /** The filter value on the dashboard. */
  public enum Kind {
    REACHABLE("Reachable"),
    UNREACHABLE("Unreachable"),
    UNCHECKED("Not checked yet");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  public Kind kind() {
    return reachable.map(r -> r ? Kind.REACHABLE : Kind.UNREACHABLE).orElse(Kind.UNCHECKED);
  }
}
