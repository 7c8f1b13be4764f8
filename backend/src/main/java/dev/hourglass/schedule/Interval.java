package dev.hourglass.schedule;

import dev.hourglass.common.InvalidInputException;
import java.math.BigInteger;

/**
 * A PostgreSQL {@code interval}: months, days and microseconds kept apart, because "1 month" and "1
 * day" are calendar steps (their length depends on the month and on daylight saving time) while the
 * time part is a fixed number of microseconds. Always positive: no component is negative and at
 * least one is not zero.
 *
 * <p>Arithmetic follows PostgreSQL (see docs/decisions/0009-20261126-schedule-semantics.md): {@link
 * #times(double)} is {@code interval_mul} (fractions cascade down with 30-day months and 24-hour
 * days), {@link #compareTo(Interval)} is {@code interval_cmp}, and adding an interval to an instant
 * is {@code timestamptz_pl_interval} (months, then days on the local calendar, then time).
 */
public record Interval(int months, int days, long micros)
    implements Recurrence, Comparable<Interval> {

  static final long MICROS_PER_SECOND = 1_000_000L;
  static final long MICROS_PER_MINUTE = 60 * MICROS_PER_SECOND;
  static final long MICROS_PER_HOUR = 60 * MICROS_PER_MINUTE;
  static final long MICROS_PER_DAY = 24 * MICROS_PER_HOUR;
  private static final int DAYS_PER_MONTH = 30;
  private static final double SECS_PER_DAY = 86_400.0;

  public Interval {
    if (months < 0 || days < 0 || micros < 0) {
      throw new InvalidInputException(
          "schedule_interval",
          "The interval "
              + format(months, days, micros)
              + " is negative. Enter a positive interval such as 5 minutes or 1 day.");
    }
    if (months == 0 && days == 0 && micros == 0) {
      throw new InvalidInputException(
          "schedule_interval",
          "The interval is zero. Enter a positive interval such as 5 minutes or 1 day.");
    }
  }

  /**
   * Reads interval text the way PostgreSQL users write it: {@code 5 minutes}, {@code 1 day
   * 02:00:00}, {@code 2 months 3 days}, {@code 1 mon}, {@code 00:30:00}, ISO 8601 {@code P1D} or
   * {@code PT5M}. Refuses zero and negative intervals; errors name the field {@code
   * schedule_interval}.
   */
  public static Interval parse(String text) {
    return parse("schedule_interval", text);
  }

  /** As {@link #parse(String)}, naming {@code field} (e.g. {@code retry_period}) in errors. */
  public static Interval parse(String field, String text) {
    try {
      return IntervalText.parse(field, text);
    } catch (InvalidInputException e) {
      if (e.field().equals(field)) {
        throw e;
      }
      throw new InvalidInputException(field, e.getMessage());
    }
  }

  public static Interval ofMinutes(long minutes) {
    return new Interval(0, 0, Math.multiplyExact(minutes, MICROS_PER_MINUTE));
  }

  public static Interval ofHours(long hours) {
    return new Interval(0, 0, Math.multiplyExact(hours, MICROS_PER_HOUR));
  }

  public static Interval ofDays(int days) {
    return new Interval(0, days, 0);
  }

  public static Interval ofMonths(int months) {
    return new Interval(months, 0, 0);
  }

  /** True when months are mixed with days or time, which fixed schedules cannot step by. */
  public boolean mixesMonthsWithDaysOrTime() {
    return months != 0 && (days != 0 || micros != 0);
  }

  /**
   * PostgreSQL's {@code interval_mul}: whole months and days are multiplied, their fractions
   * cascade down (a month is 30 days, a day 24 hours) and the time is rounded to the microsecond.
   * Used by the failure backoff, whose factors (failure count, jitter) must give PostgreSQL's
   * result exactly.
   */
  public Interval times(double factor) {
    if (!(factor > 0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("factor must be positive and finite: " + factor);
    }
    int resultMonths = (int) (months * factor);
    int resultDays = (int) (days * factor);
    double monthRemainderDays = tsRound((months * factor - resultMonths) * DAYS_PER_MONTH);
    double secRemainder =
        tsRound(
            (days * factor - resultDays + monthRemainderDays - (int) monthRemainderDays)
                * SECS_PER_DAY);
    if (Math.abs(secRemainder) >= SECS_PER_DAY) {
      resultDays += (int) (secRemainder / SECS_PER_DAY);
      secRemainder -= (int) (secRemainder / SECS_PER_DAY) * SECS_PER_DAY;
    }
    resultDays += (int) monthRemainderDays;
    long resultMicros = (long) Math.rint(micros * factor + secRemainder * MICROS_PER_SECOND);
    return new Interval(resultMonths, resultDays, resultMicros);
  }

  /** PostgreSQL's TSROUND: rounds to six decimals so near-whole numbers become whole. */
  private static double tsRound(double value) {
    return Math.rint(value * 1_000_000.0) / 1_000_000.0;
  }

  /**
   * PostgreSQL's {@code interval_cmp}: compares the spans with a month as 30 days and a day as 24
   * hours, so {@code 1 mon} equals {@code 30 days} here although {@link #equals} says they differ.
   */
  @Override
  public int compareTo(Interval other) {
    return span().compareTo(other.span());
  }

  private BigInteger span() {
    return BigInteger.valueOf((long) months * DAYS_PER_MONTH + days)
        .multiply(BigInteger.valueOf(MICROS_PER_DAY))
        .add(BigInteger.valueOf(micros));
  }

  /** The smaller of the two in the sense of {@link #compareTo}; {@code this} when equal. */
  Interval atMost(Interval cap) {
    return compareTo(cap) > 0 ? cap : this;
  }

  /** PostgreSQL's output style: {@code 1 year 2 mons 3 days 04:05:06}. */
  @Override
  public String toString() {
    return format(months, days, micros);
  }

  private static String format(long months, long days, long micros) {
    var out = new StringBuilder();
    long years = months / 12;
    long mons = months % 12;
    append(out, years, "year", "years");
    append(out, mons, "mon", "mons");
    append(out, days, "day", "days");
    if (micros != 0 || out.isEmpty()) {
      if (!out.isEmpty()) {
        out.append(' ');
      }
      long abs = Math.abs(micros);
      if (micros < 0) {
        out.append('-');
      }
      long hours = abs / MICROS_PER_HOUR;
      long minutes = abs % MICROS_PER_HOUR / MICROS_PER_MINUTE;
      long seconds = abs % MICROS_PER_MINUTE / MICROS_PER_SECOND;
      long fraction = abs % MICROS_PER_SECOND;
      out.append(String.format("%02d:%02d:%02d", hours, minutes, seconds));
      if (fraction != 0) {
        out.append(String.format(".%06d", fraction).replaceAll("0+$", ""));
      }
    }
    return out.toString();
  }

  private static void append(StringBuilder out, long value, String one, String many) {
    if (value != 0) {
      if (!out.isEmpty()) {
        out.append(' ');
      }
      out.append(value).append(' ').append(Math.abs(value) == 1 ? one : many);
    }
  }
}
