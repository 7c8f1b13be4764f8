package dev.hourglass.ui.action;

import dev.hourglass.action.Notice;
import java.util.List;
import java.util.stream.Collectors;

/** How a run's error and notices read, alike for "Run now" and the run history. */
final class RunTexts {

  private RunTexts() {}

  /**
   * "ERROR 23505: message", then DETAIL and HINT lines as psql prints them; only the message when
   * there is no SQLSTATE (a crash, which Hourglass describes itself).
   */
  static String error(String sqlState, String message, String detail, String hint) {
    return (sqlState.isEmpty() ? "" : "ERROR " + sqlState + ": ")
        + message
        + (detail.isEmpty() ? "" : "\nDETAIL: " + detail)
        + (hint.isEmpty() ? "" : "\nHINT: " + hint);
  }

  /** "NOTICE: message", as psql prints it. */
  static String line(Notice n) {
    return n.severity() + ":  " + n.message();
  }

  static String lines(List<Notice> notices) {
    return notices.stream().map(RunTexts::line).collect(Collectors.joining("\n"));
  }
}
