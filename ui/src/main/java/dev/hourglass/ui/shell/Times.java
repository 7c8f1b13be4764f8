package dev.hourglass.ui.shell;

import com.vaadin.flow.component.UI;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Consumer;

/** How times and durations read on every page, in the viewer's time zone. */
public final class Times {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ENGLISH);
  private static final DateTimeFormatter DAY_TIME =
      DateTimeFormatter.ofPattern("d MMM HH:mm", Locale.ENGLISH);
  private static final DateTimeFormatter EXACT =
      DateTimeFormatter.ofPattern("d MMM yyyy HH:mm:ss.SSS", Locale.ENGLISH);

  private Times() {}

  /**
   * Calls {@code then} with the browser's time zone once the browser has said it (at once when it
   * has already); an unknown zone id leaves the page in the zone it has.
   */
  public static void browserZone(UI ui, Consumer<ZoneId> then) {
    ui.getPage()
        .retrieveExtendedClientDetails(
            details -> {
              ZoneId zone;
              try {
                zone = ZoneId.of(details.getTimeZoneId());
              } catch (DateTimeException | NullPointerException e) {
                return;
              }
              then.accept(zone);
            });
  }

  /** "14:02:11" today, "3 Nov 09:15" before, in {@code zone}. */
  public static String moment(Instant at, ZoneId zone, Instant now) {
    var local = at.atZone(zone);
    return local.toLocalDate().equals(now.atZone(zone).toLocalDate())
        ? TIME.format(local)
        : DAY_TIME.format(local);
  }

  /** "26 Nov 2026 14:02:11.042", to the millisecond, in {@code zone}. */
  public static String exact(Instant at, ZoneId zone) {
    return EXACT.format(at.atZone(zone));
  }

  /** "just now", "5 min ago", "3 h ago", "4 days ago". */
  public static String ago(Instant at, Instant now) {
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

  /** "0.4 ms", "12 ms", "3.2 s", "42 s", "4 min 5 s", "2 h 3 min"; negative with a minus sign. */
  public static String took(Duration d) {
    if (d.isNegative()) {
      return "-" + took(d.negated());
    }
    long micros = d.toNanos() / 1_000;
    if (micros < 1_000) {
      return String.format(Locale.ENGLISH, "%.1f ms", micros / 1_000.0);
    }
    if (micros < 1_000_000) {
      return micros / 1_000 + " ms";
    }
    if (micros < 10_000_000) {
      return String.format(Locale.ENGLISH, "%.1f s", Math.floor(micros / 100_000.0) / 10);
    }
    long seconds = d.toSeconds();
    if (seconds < 60) {
      return seconds + " s";
    }
    if (seconds < 3_600) {
      return seconds / 60 + " min " + seconds % 60 + " s";
    }
    return seconds / 3_600 + " h " + seconds % 3_600 / 60 + " min";
  }
}
