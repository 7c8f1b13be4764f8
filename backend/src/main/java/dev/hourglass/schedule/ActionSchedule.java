package dev.hourglass.schedule;

import dev.hourglass.common.InvalidInputException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * When an action runs, as TimescaleDB's {@code add_job}/{@code alter_job} describe it: the
 * recurrence ({@code schedule_interval}, or a cron expression), {@code fixed_schedule}, {@code
 * initial_start}, {@code timezone}, {@code retry_period} and {@code max_retries}.
 *
 * <p>A fixed interval schedule always has an {@code initialStart}: TimescaleDB's {@code add_job}
 * stores the creation time when none is given (tsl/src/bgw_policy/job_api.c), and {@link
 * Builder#build(Instant)} does the same. Without a {@code timezone}, calendar arithmetic is done in
 * UTC (TimescaleDB uses the scheduler session's TimeZone setting, which we fix to UTC).
 *
 * @param initialStart the origin of a fixed schedule's grid, and the first run of any schedule;
 *     null when absent
 * @param timezone IANA zone that fixed slots and cron are evaluated in; null when absent
 */
public record ActionSchedule(
    Recurrence recurrence,
    boolean fixedSchedule,
    Instant initialStart,
    ZoneId timezone,
    Interval retryPeriod,
    MaxRetries maxRetries) {

  /** TimescaleDB's default {@code retry_period} for user-defined actions. */
  public static final Interval DEFAULT_RETRY_PERIOD = Interval.ofMinutes(5);

  private static final Map<String, String> ZONE_IDS = new TreeMap<>();

  static {
    for (String id : ZoneId.getAvailableZoneIds()) {
      ZONE_IDS.put(id.toLowerCase(Locale.ROOT), id);
    }
  }

  public ActionSchedule {
    Objects.requireNonNull(recurrence, "recurrence");
    Objects.requireNonNull(retryPeriod, "retryPeriod");
    Objects.requireNonNull(maxRetries, "maxRetries");
    if (fixedSchedule
        && recurrence instanceof Interval interval
        && interval.mixesMonthsWithDaysOrTime()) {
      // TimescaleDB: ts_bgw_job_validate_schedule_interval (src/bgw/job.c).
      throw new InvalidInputException(
          "schedule_interval",
          "The interval "
              + interval
              + " mixes months with days or time, which a fixed schedule cannot step by (month"
              + " intervals cannot have day or time component). Express it in months only or in"
              + " days and time only, or turn fixed schedule off.");
    }
    if (!fixedSchedule && recurrence instanceof CronSpec) {
      throw new InvalidInputException(
          "fixed_schedule",
          "A cron schedule always runs at the times it names, so it cannot drift. Turn fixed"
              + " schedule on, or use an interval to run a set time after each run ends.");
    }
    if (fixedSchedule && recurrence instanceof Interval && initialStart == null) {
      throw new IllegalArgumentException(
          "a fixed interval schedule needs initialStart; use the builder, which defaults it to the"
              + " creation time as TimescaleDB's add_job does");
    }
  }

  /** A schedule repeating every {@code interval}; fixed by default, like TimescaleDB. */
  /**
   * A schedule as the action table stores it ({@code schedule_interval::text}, {@code cron}, ...),
   * read back; the text was validated when it was saved.
   */
  public static ActionSchedule stored(
      String interval,
      String cron,
      java.time.Instant initialStart,
      boolean fixedSchedule,
      String timezone,
      String retryPeriod,
      int maxRetries) {
    return new ActionSchedule(
        interval != null ? Interval.parse(interval) : CronSpec.parse(cron),
        fixedSchedule,
        initialStart,
        timezone == null ? null : ZoneId.of(timezone),
        Interval.parse(retryPeriod),
        MaxRetries.of(maxRetries));
  }

  public static Builder every(Interval interval) {
    return new Builder(interval);
  }

  /** A schedule following a cron expression; cron schedules must stay fixed. */
  public static Builder cron(CronSpec cron) {
    return new Builder(cron);
  }

  /**
   * Reads an IANA time zone id ({@code Europe/Berlin}, {@code America/New_York}, {@code UTC}),
   * ignoring case; offsets and abbreviations are refused. Errors name the field {@code timezone}.
   */
  public static ZoneId zone(String id) {
    String canonical = id == null ? null : ZONE_IDS.get(id.strip().toLowerCase(Locale.ROOT));
    if (canonical == null) {
      throw new InvalidInputException(
          "timezone",
          "'"
              + id
              + "' is not an IANA time zone. Use a name such as Europe/Berlin, America/New_York or"
              + " UTC.");
    }
    return ZoneId.of(canonical);
  }

  public Optional<Instant> initialStartIfAny() {
    return Optional.ofNullable(initialStart);
  }

  public Optional<ZoneId> timezoneIfAny() {
    return Optional.ofNullable(timezone);
  }

  /** The zone calendar arithmetic and cron run in: the action's zone, else UTC. */
  ZoneId calendarZone() {
    return timezone != null ? timezone : ZoneOffset.UTC;
  }

  /** Collects add_job-style arguments; {@link #build(Instant)} validates them. */
  public static final class Builder {
    private final Recurrence recurrence;
    private boolean fixedSchedule = true;
    private Instant initialStart;
    private ZoneId timezone;
    private Interval retryPeriod = DEFAULT_RETRY_PERIOD;
    private MaxRetries maxRetries = MaxRetries.UNLIMITED;

    private Builder(Recurrence recurrence) {
      this.recurrence = Objects.requireNonNull(recurrence, "recurrence");
    }

    public Builder fixedSchedule(boolean fixed) {
      this.fixedSchedule = fixed;
      return this;
    }

    public Builder initialStart(Instant initialStart) {
      this.initialStart = initialStart;
      return this;
    }

    public Builder timezone(ZoneId timezone) {
      this.timezone = timezone;
      return this;
    }

    public Builder timezone(String timezone) {
      this.timezone = timezone == null ? null : zone(timezone);
      return this;
    }

    public Builder retryPeriod(Interval retryPeriod) {
      this.retryPeriod = Objects.requireNonNull(retryPeriod, "retryPeriod");
      return this;
    }

    public Builder maxRetries(int maxRetries) {
      this.maxRetries = new MaxRetries(maxRetries);
      return this;
    }

    /**
     * The schedule; a fixed interval schedule without {@code initial_start} gets {@code createdAt}
     * as its grid origin.
     */
    public ActionSchedule build(Instant createdAt) {
      Objects.requireNonNull(createdAt, "createdAt");
      Instant origin =
          initialStart == null && fixedSchedule && recurrence instanceof Interval
              ? createdAt
              : initialStart;
      return new ActionSchedule(
          recurrence, fixedSchedule, origin, timezone, retryPeriod, maxRetries);
    }
  }
}
