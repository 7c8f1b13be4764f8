package dev.hourglass.ui.database;

import dev.hourglass.database.DatabaseStatus;
import dev.hourglass.database.RegisteredDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How times and statuses read on the fleet pages. */
final class Formats {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ENGLISH);
  private static final DateTimeFormatter DAY_TIME =
      DateTimeFormatter.ofPattern("d MMM HH:mm", Locale.ENGLISH);

  private Formats() {}

  /** "14:02:11" today, "3 Nov 09:15" before, in the viewer's zone. */
  static String moment(Instant at, ZoneId zone, Instant now) {
    var local = at.atZone(zone);
    return local.toLocalDate().equals(now.atZone(zone).toLocalDate())
        ? TIME.format(local)
        : DAY_TIME.format(local);
  }

  static String ago(Instant at, Instant now) {
    var d = Duration.between(at, now);
    if (d.isNegative() || d.toSeconds() < 60) {
      return "just now";
    }
    if (d.toMinutes() < 60) {
      return d.toMinutes() + " min ago";
    }
    if (d.toHours() < 48) {
      return d.toHours() + " h ago";
    }
    return d.toDays() + " days ago";
  }

  /** "Reachable since 10:42:03" / "Unreachable since ..." / "Not checked yet". */
  static String status(RegisteredDatabase d, ZoneId zone, Instant now) {
    var s = d.status();
    var since = s.since().map(t -> " since " + moment(t, zone, now)).orElse("");
    return switch (s.kind()) {
      case REACHABLE -> "Reachable" + since;
      case UNREACHABLE -> "Unreachable" + since;
      case UNCHECKED -> "Not checked yet";
    };
  }

  static String color(DatabaseStatus.Kind kind) {
    return switch (kind) {
      case REACHABLE -> "var(--lumo-success-text-color)";
      case UNREACHABLE -> "var(--lumo-error-text-color)";
      case UNCHECKED -> "var(--lumo-secondary-text-color)";
    };
  }
}
