package dev.hourglass.database;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Outcome of a connection test. When {@link #ok()}, capabilities are present and the problem is
 * empty; otherwise the problem is present and there are no capabilities.
 *
 * @param message one sentence for the user: what was found, or what failed and what to do. Never
 *     contains the password.
 * @param took how long the test took, name resolution included
 */
public record ConnectionCheck(
    Optional<ConnectionProblem> problem,
    String message,
    Optional<Capabilities> capabilities,
    Duration took) {

  public ConnectionCheck {
    Objects.requireNonNull(problem, "problem");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(capabilities, "capabilities");
    Objects.requireNonNull(took, "took");
    if (problem.isPresent() == capabilities.isPresent()) {
      throw new IllegalArgumentException(
          "A connection check has either a problem or capabilities, not both or neither");
    }
  }

  public static ConnectionCheck succeeded(
      Capabilities capabilities, String message, Duration took) {
    return new ConnectionCheck(Optional.empty(), message, Optional.of(capabilities), took);
  }

  public static ConnectionCheck failed(ConnectionProblem problem, String message, Duration took) {
    return new ConnectionCheck(Optional.of(problem), message, Optional.empty(), took);
  }

  public boolean ok() {
    return problem.isEmpty();
  }
}
