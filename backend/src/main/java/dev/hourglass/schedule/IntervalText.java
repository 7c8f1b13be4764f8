package dev.hourglass.schedule;

import static dev.hourglass.schedule.Interval.MICROS_PER_DAY;
import static dev.hourglass.schedule.Interval.MICROS_PER_HOUR;
import static dev.hourglass.schedule.Interval.MICROS_PER_MINUTE;
import static dev.hourglass.schedule.Interval.MICROS_PER_SECOND;

import dev.hourglass.common.InvalidInputException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads interval text. Two shapes: PostgreSQL's own ({@code 1 day 02:00:00}, {@code 2 mons}, with
 * the unit spellings PostgreSQL accepts) and ISO 8601 durations ({@code P1DT2H}). Fractions cascade
 * down like PostgreSQL's input does: {@code 1.5 months} is 1 mon 15 days, {@code 1.5 days} is 1 day
 * 12:00:00.
 */
final class IntervalText {

  private static final String EXAMPLES =
      "Write it like 5 minutes, 1 hour, 1 day, 2 months 3 days, 00:30:00, 1 day 02:00:00 or PT5M.";

  private enum Unit {
    MICROSECOND,
    MILLISECOND,
    SECOND,
    MINUTE,
    HOUR,
    DAY,
    WEEK,
    MONTH,
    YEAR,
    DECADE,
    CENTURY,
    MILLENNIUM
  }

  private static final Map<String, Unit> UNITS =
      Map.ofEntries(
          Map.entry("microsecond", Unit.MICROSECOND),
          Map.entry("microseconds", Unit.MICROSECOND),
          Map.entry("microsecon", Unit.MICROSECOND),
          Map.entry("us", Unit.MICROSECOND),
          Map.entry("usec", Unit.MICROSECOND),
          Map.entry("usecs", Unit.MICROSECOND),
          Map.entry("useconds", Unit.MICROSECOND),
          Map.entry("millisecond", Unit.MILLISECOND),
          Map.entry("milliseconds", Unit.MILLISECOND),
          Map.entry("millisecon", Unit.MILLISECOND),
          Map.entry("ms", Unit.MILLISECOND),
          Map.entry("msec", Unit.MILLISECOND),
          Map.entry("msecs", Unit.MILLISECOND),
          Map.entry("mseconds", Unit.MILLISECOND),
          Map.entry("second", Unit.SECOND),
          Map.entry("seconds", Unit.SECOND),
          Map.entry("s", Unit.SECOND),
          Map.entry("sec", Unit.SECOND),
          Map.entry("secs", Unit.SECOND),
          Map.entry("minute", Unit.MINUTE),
          Map.entry("minutes", Unit.MINUTE),
          Map.entry("m", Unit.MINUTE),
          Map.entry("min", Unit.MINUTE),
          Map.entry("mins", Unit.MINUTE),
          Map.entry("hour", Unit.HOUR),
          Map.entry("hours", Unit.HOUR),
          Map.entry("h", Unit.HOUR),
          Map.entry("hr", Unit.HOUR),
          Map.entry("hrs", Unit.HOUR),
          Map.entry("day", Unit.DAY),
          Map.entry("days", Unit.DAY),
          Map.entry("d", Unit.DAY),
          Map.entry("week", Unit.WEEK),
          Map.entry("weeks", Unit.WEEK),
          Map.entry("w", Unit.WEEK),
          Map.entry("month", Unit.MONTH),
          Map.entry("months", Unit.MONTH),
          Map.entry("mon", Unit.MONTH),
          Map.entry("mons", Unit.MONTH),
          Map.entry("year", Unit.YEAR),
          Map.entry("years", Unit.YEAR),
          Map.entry("y", Unit.YEAR),
          Map.entry("yr", Unit.YEAR),
          Map.entry("yrs", Unit.YEAR),
          Map.entry("decade", Unit.DECADE),
          Map.entry("decades", Unit.DECADE),
          Map.entry("century", Unit.CENTURY),
          Map.entry("centuries", Unit.CENTURY),
          Map.entry("millennium", Unit.MILLENNIUM),
          Map.entry("millennia", Unit.MILLENNIUM));

  // A number, a time of day (h:m[:s[.f]]), a word, or a sign; whitespace separates nothing more.
  private static final Pattern TOKEN =
      Pattern.compile(
          "\\s*(?:(?<time>\\d+:\\d+(?::\\d+(?:\\.\\d+)?)?)"
              + "|(?<number>\\d+(?:\\.\\d*)?|\\.\\d+)"
              + "|(?<word>[a-z]+)"
              + "|(?<sign>[-+])"
              + "|(?<other>\\S))");

  private static final Pattern ISO =
      Pattern.compile(
          "p(?:(?<y>[\\d.]+)y)?(?:(?<mo>[\\d.]+)m)?(?:(?<w>[\\d.]+)w)?(?:(?<d>[\\d.]+)d)?"
              + "(?:t(?:(?<h>[\\d.]+)h)?(?:(?<mi>[\\d.]+)m)?(?:(?<s>[\\d.]+)s)?)?");

  private IntervalText() {}

  static Interval parse(String field, String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidInputException(field, "Enter an interval. " + EXAMPLES);
    }
    String input = text.strip().toLowerCase(Locale.ROOT);
    var sum = new Sum(field, text);
    if (input.startsWith("p")) {
      parseIso(sum, input);
    } else {
      parsePostgres(sum, input.startsWith("@") ? input.substring(1) : input);
    }
    return sum.toInterval();
  }

  private static void parseIso(Sum sum, String input) {
    Matcher m = ISO.matcher(input);
    if (!m.matches() || input.equals("p") || input.endsWith("t")) {
      throw sum.invalid("is not an ISO 8601 duration");
    }
    sum.add(m.group("y"), Unit.YEAR);
    sum.add(m.group("mo"), Unit.MONTH);
    sum.add(m.group("w"), Unit.WEEK);
    sum.add(m.group("d"), Unit.DAY);
    sum.add(m.group("h"), Unit.HOUR);
    sum.add(m.group("mi"), Unit.MINUTE);
    sum.add(m.group("s"), Unit.SECOND);
  }

  private static void parsePostgres(Sum sum, String input) {
    Matcher m = TOKEN.matcher(input);
    int at = 0;
    String pendingNumber = null;
    boolean any = false;
    while (at < input.length() && m.find(at) && m.start() == at) {
      at = m.end();
      if (m.group("other") != null) {
        throw sum.invalid("contains '" + m.group("other") + "', which is not part of an interval");
      }
      if (m.group("sign") != null) {
        if (m.group("sign").equals("-")) {
          throw sum.negative();
        }
        continue;
      }
      if (m.group("time") != null) {
        if (pendingNumber != null) {
          throw sum.invalid("has the number " + pendingNumber + " without a unit");
        }
        sum.addTime(m.group("time"));
        any = true;
      } else if (m.group("number") != null) {
        if (pendingNumber != null) {
          throw sum.invalid("has the number " + pendingNumber + " without a unit");
        }
        pendingNumber = m.group("number");
      } else {
        String word = m.group("word");
        if (word.equals("ago")) {
          throw sum.negative();
        }
        Unit unit = UNITS.get(word);
        if (unit == null) {
          throw sum.invalid("has the unknown unit '" + word + "'");
        }
        if (pendingNumber == null) {
          throw sum.invalid("has the unit '" + word + "' without a number before it");
        }
        sum.add(pendingNumber, unit);
        pendingNumber = null;
        any = true;
      }
    }
    if (at < input.strip().length()) {
      throw sum.invalid("could not be read");
    }
    if (pendingNumber != null) {
      // PostgreSQL reads a bare trailing number as seconds: interval '300' is 00:05:00.
      sum.add(pendingNumber, Unit.SECOND);
      any = true;
    }
    if (!any) {
      throw sum.invalid("has no amount");
    }
  }

  /** Accumulates components exactly (BigDecimal) and cascades fractions like PostgreSQL. */
  private static final class Sum {
    private final String field;
    private final String text;
    private long months;
    private long days;
    private BigDecimal micros = BigDecimal.ZERO;

    Sum(String field, String text) {
      this.field = field;
      this.text = text;
    }

    void add(String number, Unit unit) {
      if (number == null) {
        return;
      }
      BigDecimal value;
      try {
        value = new BigDecimal(number.endsWith(".") ? number + "0" : number);
      } catch (NumberFormatException e) {
        throw invalid("has the malformed number '" + number + "'");
      }
      switch (unit) {
        case MICROSECOND -> micros = micros.add(value);
        case MILLISECOND -> micros = micros.add(value.multiply(BigDecimal.valueOf(1_000)));
        case SECOND -> micros = micros.add(value.multiply(BigDecimal.valueOf(MICROS_PER_SECOND)));
        case MINUTE -> micros = micros.add(value.multiply(BigDecimal.valueOf(MICROS_PER_MINUTE)));
        case HOUR -> micros = micros.add(value.multiply(BigDecimal.valueOf(MICROS_PER_HOUR)));
        case DAY -> addDays(value);
        case WEEK -> addDays(value.multiply(BigDecimal.valueOf(7)));
        case MONTH -> addMonths(value);
        case YEAR -> addYears(value);
        case DECADE -> addYears(value.multiply(BigDecimal.TEN));
        case CENTURY -> addYears(value.multiply(BigDecimal.valueOf(100)));
        case MILLENNIUM -> addYears(value.multiply(BigDecimal.valueOf(1000)));
      }
    }

    private void addYears(BigDecimal years) {
      // PostgreSQL rounds fractional years to whole months (1.5 years = 1 year 6 mons).
      months = Math.addExact(months, wholeOf(years.multiply(BigDecimal.valueOf(12)), true));
    }

    private void addMonths(BigDecimal value) {
      long whole = wholeOf(value, false);
      months = Math.addExact(months, whole);
      addDays(value.subtract(BigDecimal.valueOf(whole)).multiply(BigDecimal.valueOf(30)));
    }

    private void addDays(BigDecimal value) {
      long whole = wholeOf(value, false);
      days = Math.addExact(days, whole);
      micros =
          micros.add(
              value
                  .subtract(BigDecimal.valueOf(whole))
                  .multiply(BigDecimal.valueOf(MICROS_PER_DAY)));
    }

    private long wholeOf(BigDecimal value, boolean round) {
      try {
        return value
            .setScale(0, round ? RoundingMode.HALF_EVEN : RoundingMode.DOWN)
            .longValueExact();
      } catch (ArithmeticException e) {
        throw tooLarge();
      }
    }

    void addTime(String time) {
      String[] parts = time.split(":");
      BigDecimal hours = new BigDecimal(parts[0]);
      BigDecimal minutes = new BigDecimal(parts[1]);
      BigDecimal seconds = parts.length > 2 ? new BigDecimal(parts[2]) : BigDecimal.ZERO;
      if (minutes.compareTo(BigDecimal.valueOf(60)) >= 0
          || seconds.compareTo(BigDecimal.valueOf(60)) >= 0) {
        throw invalid("has the time " + time + " with minutes or seconds of 60 or more");
      }
      micros =
          micros
              .add(hours.multiply(BigDecimal.valueOf(MICROS_PER_HOUR)))
              .add(minutes.multiply(BigDecimal.valueOf(MICROS_PER_MINUTE)))
              .add(seconds.multiply(BigDecimal.valueOf(MICROS_PER_SECOND)));
    }

    Interval toInterval() {
      long wholeMicros;
      try {
        wholeMicros = micros.setScale(0, RoundingMode.HALF_EVEN).longValueExact();
      } catch (ArithmeticException e) {
        throw tooLarge();
      }
      if (months > Integer.MAX_VALUE || days > Integer.MAX_VALUE) {
        throw tooLarge();
      }
      if (months == 0 && days == 0 && wholeMicros == 0) {
        throw new InvalidInputException(
            field,
            "The interval '" + text + "' is zero. Enter a positive interval such as 5 minutes.");
      }
      return new Interval((int) months, (int) days, wholeMicros);
    }

    InvalidInputException invalid(String what) {
      return new InvalidInputException(
          field, "The interval '" + text + "' " + what + ". " + EXAMPLES);
    }

    InvalidInputException negative() {
      return new InvalidInputException(
          field,
          "The interval '" + text + "' is negative. Enter a positive interval such as 5 minutes.");
    }

    InvalidInputException tooLarge() {
      return new InvalidInputException(
          field, "The interval '" + text + "' is too large. Enter at most a few years.");
    }
  }
}
