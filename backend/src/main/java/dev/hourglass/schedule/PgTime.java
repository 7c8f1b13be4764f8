package dev.hourglass.schedule;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.util.List;

/** PostgreSQL's timestamptz arithmetic, with the session time zone passed in explicitly. */
final class PgTime {

  private PgTime() {}

  /**
   * {@code timestamptz + interval} (PostgreSQL {@code timestamptz_pl_interval}): months are added
   * on the local calendar with the day clamped to the month's end (Jan 31 + 1 mon = Feb 28 or 29),
   * then days on the local calendar (so 1 day keeps the wall time across DST), then the time part
   * as elapsed microseconds. Each local result is resolved by {@link #resolve}.
   */
  static Instant plus(Instant t, Interval interval, ZoneId zone) {
    Instant result = t;
    if (interval.months() != 0) {
      LocalDateTime local = LocalDateTime.ofInstant(result, zone).plusMonths(interval.months());
      result = resolve(local, zone);
    }
    if (interval.days() != 0) {
      LocalDateTime local = LocalDateTime.ofInstant(result, zone).plusDays(interval.days());
      result = resolve(local, zone);
    }
    return result.plus(interval.micros(), ChronoUnit.MICROS);
  }

  /**
   * A local time to an instant the way PostgreSQL's {@code DetermineTimeZoneOffset} does: a time
   * skipped by spring-forward is read with the offset before the change (02:30 becomes 03:30 summer
   * time); a time repeated by fall-back takes the offset after the change (the later of the two
   * instants).
   */
  static Instant resolve(LocalDateTime local, ZoneId zone) {
    List<ZoneOffset> offsets = zone.getRules().getValidOffsets(local);
    if (offsets.size() == 1) {
      return local.toInstant(offsets.get(0));
    }
    ZoneOffsetTransition transition = zone.getRules().getTransition(local);
    return local.toInstant(
        transition.isGap() ? transition.getOffsetBefore() : transition.getOffsetAfter());
  }

  /** Local wall time as microseconds since 1970-01-01T00:00, for bucketing on local time. */
  static long localMicros(Instant t, ZoneId zone) {
    LocalDateTime local = LocalDateTime.ofInstant(t, zone);
    return Math.addExact(
        Math.multiplyExact(local.toEpochSecond(ZoneOffset.UTC), Interval.MICROS_PER_SECOND),
        local.getNano() / 1_000);
  }

  static LocalDateTime fromLocalMicros(long micros) {
    return LocalDateTime.ofEpochSecond(
        Math.floorDiv(micros, Interval.MICROS_PER_SECOND),
        (int) Math.floorMod(micros, Interval.MICROS_PER_SECOND) * 1_000,
        ZoneOffset.UTC);
  }

  static long epochMicros(Instant t) {
    return Math.addExact(
        Math.multiplyExact(t.getEpochSecond(), Interval.MICROS_PER_SECOND), t.getNano() / 1_000);
  }

  static Instant ofEpochMicros(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }
}
