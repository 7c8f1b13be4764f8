package dev.hourglass.pgcron;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A pg_cron extension version as {@code pg_extension.extversion} gives it ({@code 1.4-1}, {@code
 * 1.6}), with what each version can do.
 */
public record PgCronVersion(String text, int major, int minor) {

  private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+).*");

  public PgCronVersion {
    Objects.requireNonNull(text, "text");
  }

  public static PgCronVersion parse(String text) {
    var m = VERSION.matcher(text == null ? "" : text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a pg_cron version: " + text);
    }
    return new PgCronVersion(
        text.strip(), Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
  }

  private boolean atLeast(int wantMajor, int wantMinor) {
    return major > wantMajor || (major == wantMajor && minor >= wantMinor);
  }

  /** {@code 'N seconds'} schedules (1 to 59 seconds) came with pg_cron 1.5. */
  public boolean hasSecondSchedules() {
    return atLeast(1, 5);
  }

  /** {@code $} (last day of the month) in the day-of-month field came with pg_cron 1.5. */
  public boolean hasLastDayOfMonth() {
    return atLeast(1, 5);
  }

  /** {@code cron.schedule_in_database} came with pg_cron 1.4. */
  public boolean hasScheduleInDatabase() {
    return atLeast(1, 4);
  }

  @Override
  public String toString() {
    return text;
  }
}
