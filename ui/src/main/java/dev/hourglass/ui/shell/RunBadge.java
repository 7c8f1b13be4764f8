package dev.hourglass.ui.shell;

import com.vaadin.flow.component.html.Span;
import dev.hourglass.dispatch.ActionRun;
import dev.hourglass.dispatch.RunStatus;
import java.time.Instant;

/**
 * A run's status as a Lumo badge: green for succeeded, red for failed or timed out, amber for
 * crashed, blue while running, grey while waiting for its slot. Carries {@code data-run-status}.
 */
public final class RunBadge {

  /** A claimed run whose slot has not come yet: claimed ahead, not started. */
  static final String WAITING = "WAITING";

  private RunBadge() {}

  /** The badge of a recorded outcome (or of a run going on). */
  public static Span of(RunStatus status) {
    return badge(status.label(), status.name(), theme(status));
  }

  /** The badge of a run as it stands at {@code now}: a claimed run before its slot is waiting. */
  public static Span of(ActionRun run, Instant now) {
    return waiting(run, now) ? badge("Waiting", WAITING, "badge contrast") : of(run.status());
  }

  /** What {@link #of(ActionRun, Instant)} says, as text: "Waiting", "Running", "Failed" ... */
  public static String label(ActionRun run, Instant now) {
    return waiting(run, now) ? "Waiting" : run.status().label();
  }

  private static boolean waiting(ActionRun run, Instant now) {
    return run.status() == RunStatus.CLAIMED && run.scheduledFor().isAfter(now);
  }

  private static String theme(RunStatus status) {
    return switch (status) {
      case CLAIMED -> "badge";
      case SUCCEEDED -> "badge success";
      case FAILED, TIMED_OUT -> "badge error";
      case CRASHED -> "badge warning";
    };
  }

  private static Span badge(String text, String status, String theme) {
    var badge = new Span(text);
    badge.getElement().setAttribute("theme", theme);
    badge.getElement().setAttribute("data-run-status", status);
    return badge;
  }
}
