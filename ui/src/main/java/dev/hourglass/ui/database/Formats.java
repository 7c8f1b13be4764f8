package dev.hourglass.ui.database;

import dev.hourglass.database.DatabaseStatus;
import dev.hourglass.database.RegisteredDatabase;
import dev.hourglass.ui.shell.Times;
import java.time.Instant;
import java.time.ZoneId;

/** How databases' statuses read on the fleet pages. */
final class Formats {

  private Formats() {}

  /** "Reachable since 10:42:03" / "Unreachable since ..." / "Not checked yet". */
  static String status(RegisteredDatabase d, ZoneId zone, Instant now) {
    var s = d.status();
    var since = s.since().map(t -> " since " + Times.moment(t, zone, now)).orElse("");
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
