package dev.hourglass.schedule;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * TimescaleDB's {@code ts_get_next_scheduled_execution_slot} (src/bgw/job_stat.c), rewritten: the
 * first slot of a fixed schedule strictly after a given instant.
 *
 * <p>Intervals without months: {@code time_bucket(interval, t, origin => initial_start[,
 * timezone])}, then step by the interval while the slot is not after {@code t}. With a time zone
 * the bucketing happens on local wall time, so {@code 1 day} keeps the local time across DST.
 *
 * <p>Intervals of whole months: {@code time_bucket} cannot take an origin for months, so
 * TimescaleDB counts the months between the month bucket of {@code initial_start} and the bucket
 * after the one holding {@code t}, and adds that many months to {@code initial_start} in one step
 * (Jan 31 + 2 mons = Mar 31, not Mar 28/29). A consequence we keep: when {@code t} falls in a month
 * before that month's slot (finished on the 3rd, slots on the 20th), the next slot is in the
 * following month.
 */
final class FixedSlots {

  /** time_bucket's default origin for months: 2000-01-01, as a month count. */
  private static final long MONTH_ORIGIN = 2000L * 12;

  private FixedSlots() {}

  static Instant nextAfter(Interval interval, Instant initialStart, ZoneId timezone, Instant t) {
    ZoneId calendar = timezone != null ? timezone : ZoneOffset.UTC;
    Instant slot;
    if (interval.months() > 0) {
      long initBucket = monthBucket(interval.months(), LocalDate.ofInstant(initialStart, calendar));
      long nextBucket =
          monthBucket(interval.months(), LocalDate.ofInstant(t, calendar)) + interval.months();
      slot =
          PgTime.plus(
              initialStart, Interval.ofMonths(Math.toIntExact(nextBucket - initBucket)), calendar);
    } else {
      long period = interval.days() * Interval.MICROS_PER_DAY + interval.micros();
      if (timezone == null) {
        long at = PgTime.epochMicros(t);
        long origin = PgTime.epochMicros(initialStart);
        slot = PgTime.ofEpochMicros(at - Math.floorMod(at - origin, period));
      } else {
        long at = PgTime.localMicros(t, timezone);
        long origin = PgTime.localMicros(initialStart, timezone);
        slot =
            PgTime.resolve(
                PgTime.fromLocalMicros(at - Math.floorMod(at - origin, period)), timezone);
      }
    }
    while (!slot.isAfter(t)) {
      slot = PgTime.plus(slot, interval, calendar);
    }
    return slot;
  }

  /** The month bucket (a month count since year 0) holding {@code date}, width {@code months}. */
  private static long monthBucket(int months, LocalDate date) {
    long month = date.getYear() * 12L + date.getMonthValue() - 1;
    long offset = MONTH_ORIGIN % months;
    return Math.floorDiv(month - offset, months) * months + offset;
  }
}
