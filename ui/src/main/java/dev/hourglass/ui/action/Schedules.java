package dev.hourglass.ui.action;

import dev.hourglass.action.Action;
import dev.hourglass.schedule.CronSpec;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How schedules and starts read in lists. */
final class Schedules {

  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("d MMM yyyy HH:mm:ss z", Locale.ENGLISH);

  private Schedules() {}

  static String describe(Action a) {
    var s = a.schedule();
    var what =
        s.recurrence() instanceof CronSpec c
            ? "cron " + c.expression()
            : "every " + s.recurrence() + (s.fixedSchedule() ? "" : " after each run");
    return what + (s.timezone() == null ? "" : " (" + s.timezone().getId() + ")");
  }

  static ZoneId zoneOf(Action a) {
    return a.schedule().timezone() == null ? ZoneOffset.UTC : a.schedule().timezone();
  }

  static String nextStart(Action a) {
    return switch (a.status()) {
      case DISABLED -> "not scheduled";
      case PAUSED -> "paused";
      default -> a.nextStart().map(t -> when(t, zoneOf(a))).orElse("–");
    };
  }

  static String when(Instant at, ZoneId zone) {
    return WHEN.format(at.atZone(zone));
  }
}
