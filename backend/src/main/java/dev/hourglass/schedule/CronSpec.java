package dev.hourglass.schedule;

import dev.hourglass.common.InvalidInputException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A five-field cron expression (minute hour day-of-month month day-of-week) as pg_cron and cronie
 * read it: {@code *}, lists, ranges, steps ({@code *}{@code /5}, {@code 1-10/2}, {@code 5/15}),
 * month and weekday names, 0 and 7 for Sunday, pg_cron's {@code $} (last day of the month) in the
 * day-of-month field, and the macros {@code @hourly @daily @midnight @weekly @monthly @yearly
 * @annually}.
 *
 * <p>When both day fields are restricted a day matches if either does; when either starts with
 * {@code *} both must match (cronie's and Vixie cron's rule).
 *
 * <p>Evaluated on the local time of a zone (see {@link #nextAfter}): a local time skipped by
 * spring-forward fires once at the first instant after the gap; a local time repeated by fall-back
 * fires once, at its first occurrence.
 */
public final class CronSpec implements Recurrence {

  private static final Map<String, String> MACROS =
      Map.of(
          "@hourly", "0 * * * *",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@weekly", "0 0 * * 0",
          "@monthly", "0 0 1 * *",
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *");

  private static final List<String> MONTH_NAMES =
      List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");
  private static final List<String> DAY_NAMES =
      List.of("sun", "mon", "tue", "wed", "thu", "fri", "sat");

  /** How far ahead to look for the next match; every valid expression matches within 28 years. */
  private static final int SEARCH_YEARS = 30;

  private final String expression;
  private final long minutes;
  private final long hours;
  private final long daysOfMonth;
  private final boolean lastDayOfMonth;
  private final long months;
  private final long daysOfWeek;
  private final boolean dayOfMonthStar;
  private final boolean dayOfWeekStar;

  private CronSpec(String expression) {
    this.expression = expression;
    String normalized = expression.strip();
    if (normalized.startsWith("@")) {
      String expansion = MACROS.get(normalized.toLowerCase(Locale.ROOT));
      if (expansion == null) {
        throw new InvalidInputException(
            "cron",
            "The cron macro '"
                + expression.strip()
                + "' is not supported. Use @hourly, @daily, @weekly, @monthly, @yearly or five"
                + " fields.");
      }
      normalized = expansion;
    }
    String[] fields = normalized.isEmpty() ? new String[0] : normalized.split("\\s+");
    if (fields.length != 5) {
      throw new InvalidInputException(
          "cron",
          "The cron expression '"
              + expression.strip()
              + "' has "
              + fields.length
              + " fields. Write five: minute hour day-of-month month day-of-week, e.g. 0 3 * * *.");
    }
    this.minutes = new FieldReader("minute", 0, 59, List.of()).read(fields[0]);
    this.hours = new FieldReader("hour", 0, 23, List.of()).read(fields[1]);
    var dom = new FieldReader("day-of-month", 1, 31, List.of());
    this.daysOfMonth = dom.read(fields[2]);
    this.lastDayOfMonth = dom.sawLastDay;
    this.months = new FieldReader("month", 1, 12, MONTH_NAMES).read(fields[3]);
    long dow = new FieldReader("day-of-week", 0, 7, DAY_NAMES).read(fields[4]);
    // 7 is Sunday as well as 0.
    this.daysOfWeek = (dow & (1L << 7)) != 0 ? (dow | 1L) & ~(1L << 7) : dow;
    this.dayOfMonthStar = fields[2].startsWith("*");
    this.dayOfWeekStar = fields[4].startsWith("*");
    requireSomeDayExists();
  }

  /** Reads a cron expression; errors name the field ({@code minute}, {@code hour} ...). */
  public static CronSpec parse(String expression) {
    if (expression == null || expression.isBlank()) {
      throw new InvalidInputException(
          "cron", "Enter a cron expression: minute hour day-of-month month day-of-week.");
    }
    return new CronSpec(expression);
  }

  /** The expression as the user wrote it (stripped). */
  public String expression() {
    return expression.strip();
  }

  /**
   * The first firing strictly after {@code after}, evaluated on the wall clock of {@code zone}. A
   * matching local time that does not exist (spring-forward gap) fires at the end of the gap, the
   * first valid instant after it; several such times fire once. A matching local time that occurs
   * twice (fall-back) fires at its first occurrence only.
   */
  public Instant nextAfter(Instant after, ZoneId zone) {
    LocalDateTime local =
        LocalDateTime.ofInstant(after, zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    LocalDateTime limit = local.plusYears(SEARCH_YEARS);
    while (local.isBefore(limit)) {
      LocalDateTime match = nextLocalMatch(local, limit);
      if (match == null) {
        break;
      }
      Instant fire = firstInstantOf(match, zone);
      if (fire.isAfter(after)) {
        return fire;
      }
      local = match.plusMinutes(1);
    }
    throw new IllegalStateException(
        "cron expression " + expression() + " does not fire within " + SEARCH_YEARS + " years");
  }

  /** The first local minute at or after {@code from} that matches all fields. */
  private LocalDateTime nextLocalMatch(LocalDateTime from, LocalDateTime limit) {
    LocalDateTime t = from;
    while (t.isBefore(limit)) {
      if (!has(months, t.getMonthValue())) {
        t = t.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay();
      } else if (!dayMatches(t.toLocalDate())) {
        t = t.toLocalDate().plusDays(1).atStartOfDay();
      } else if (!has(hours, t.getHour())) {
        t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
      } else if (!has(minutes, t.getMinute())) {
        t = t.plusMinutes(1);
      } else {
        return t;
      }
    }
    return null;
  }

  private boolean dayMatches(LocalDate date) {
    boolean dom =
        has(daysOfMonth, date.getDayOfMonth())
            || (lastDayOfMonth && date.getDayOfMonth() == date.lengthOfMonth());
    boolean dow = has(daysOfWeek, date.getDayOfWeek().getValue() % 7);
    return dayOfMonthStar || dayOfWeekStar ? dom && dow : dom || dow;
  }

  private static Instant firstInstantOf(LocalDateTime local, ZoneId zone) {
    var rules = zone.getRules();
    var offsets = rules.getValidOffsets(local);
    if (offsets.size() == 1) {
      return local.toInstant(offsets.get(0));
    }
    ZoneOffsetTransition transition = rules.getTransition(local);
    // Gap: the transition instant is the first valid one after; overlap: the earlier occurrence.
    return transition.isGap()
        ? transition.getInstant()
        : local.toInstant(transition.getOffsetBefore());
  }

  /** Refuses day-of-month and month combinations that never occur, such as 30 February. */
  private void requireSomeDayExists() {
    if (!dayOfWeekStar || dayOfMonthStar || lastDayOfMonth) {
      return;
    }
    for (int month = 1; month <= 12; month++) {
      if (has(months, month)) {
        int longest = Month.of(month).maxLength();
        for (int day = 1; day <= longest; day++) {
          if (has(daysOfMonth, day)) {
            return;
          }
        }
      }
    }
    throw new InvalidInputException(
        "day-of-month",
        "The cron expression '"
            + expression()
            + "' never fires: no chosen month has the chosen day of the month. Pick a day that"
            + " exists in the month, or $ for the last day.");
  }

  private static boolean has(long bits, int value) {
    return (bits & (1L << value)) != 0;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof CronSpec that && expression().equals(that.expression());
  }

  @Override
  public int hashCode() {
    return expression().hashCode();
  }

  @Override
  public String toString() {
    return expression();
  }

  /** Reads one field into a bit set of the values it allows. */
  private static final class FieldReader {
    private final String field;
    private final int min;
    private final int max;
    private final List<String> names;
    private boolean sawLastDay;

    FieldReader(String field, int min, int max, List<String> names) {
      this.field = field;
      this.min = min;
      this.max = max;
      this.names = names;
    }

    long read(String text) {
      long bits = 0;
      for (String item : text.split(",", -1)) {
        if (item.isEmpty()) {
          throw invalid(text, "has an empty list item");
        }
        bits |= readItem(item);
      }
      return bits;
    }

    private long readItem(String item) {
      if (item.equals("$")) {
        if (!field.equals("day-of-month")) {
          throw invalid(item, "is only allowed in the day-of-month field (last day of the month)");
        }
        sawLastDay = true;
        return 0;
      }
      String range = item;
      int step = 1;
      int slash = item.indexOf('/');
      if (slash >= 0) {
        range = item.substring(0, slash);
        String stepText = item.substring(slash + 1);
        if (!stepText.matches("\\d{1,4}") || Integer.parseInt(stepText) == 0) {
          throw invalid(item, "has the step '" + stepText + "'; a step is a whole number above 0");
        }
        step = Integer.parseInt(stepText);
      }
      int low;
      int high;
      if (range.equals("*")) {
        low = min;
        high = max;
      } else if (range.indexOf('-') > 0) {
        String[] ends = range.split("-", -1);
        if (ends.length != 2) {
          throw invalid(item, "is not a range like 1-5");
        }
        low = value(ends[0], item);
        high = value(ends[1], item);
        if (low > high) {
          throw invalid(item, "runs backwards; write the smaller value first");
        }
      } else {
        low = value(range, item);
        // "5/15" means from 5 to the end of the range in steps of 15, as in cronie.
        high = slash >= 0 ? max : low;
      }
      long bits = 0;
      for (int v = low; v <= high; v += step) {
        bits |= 1L << v;
      }
      return bits;
    }

    private int value(String token, String item) {
      int index = names.indexOf(token.toLowerCase(Locale.ROOT));
      if (index >= 0) {
        return index + min;
      }
      if (!token.matches("\\d{1,4}")) {
        throw invalid(
            item,
            "has '"
                + token
                + "', which is not a number"
                + (names.isEmpty() ? "" : " or a name such as " + names.get(0).toUpperCase()));
      }
      int v = Integer.parseInt(token);
      if (v < min || v > max) {
        throw invalid(item, "has " + v + ", outside " + min + "-" + max);
      }
      return v;
    }

    private InvalidInputException invalid(String token, String what) {
      return new InvalidInputException(
          field,
          "The cron "
              + field
              + " field '"
              + token
              + "' "
              + what
              + ". Use values "
              + min
              + "-"
              + max
              + (field.equals("day-of-week") ? " (0 and 7 are Sunday) or names SUN-SAT" : "")
              + (field.equals("month") ? " or names JAN-DEC" : "")
              + (field.equals("day-of-month") ? " or $ for the last day" : "")
              + ", with *, lists (1,5), ranges (1-5) and steps (*/5).");
    }
  }
}
