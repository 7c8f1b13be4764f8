package dev.hourglass.schedule;

import java.time.Instant;
import java.util.Objects;

/** What the scheduler does next with an action: run it at a time, leave it paused, or stop it. */
public sealed interface NextStep {

  /** Run at {@code at}; if that is already past when the scheduler looks, run now, once. */
  record RunAt(Instant at) implements NextStep {
    public RunAt {
      Objects.requireNonNull(at, "at");
    }
  }

  /** {@code next_start = 'infinity'}: the action stays scheduled but does not run until resumed. */
  record Paused() implements NextStep {}

  /**
   * Unschedule the action ({@code scheduled = false}) and flag it; {@code reason} says why and how
   * to resume, ready to show to the user.
   */
  record Disable(String reason) implements NextStep {
    public Disable {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
