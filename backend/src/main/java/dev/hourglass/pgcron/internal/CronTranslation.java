package dev.hourglass.pgcron.internal;

import dev.hourglass.action.Action;
import dev.hourglass.action.Routine;
import dev.hourglass.pgcron.PgCronEquivalent;
import dev.hourglass.pgcron.PgCronEquivalent.Loss;
import dev.hourglass.pgcron.PgCronVersion;
import dev.hourglass.schedule.ActionSchedule;
import dev.hourglass.schedule.CronSpec;
import dev.hourglass.schedule.Interval;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * An action's schedule and call written for pg_cron, or why they cannot be. Pure: the pg_cron
 * version and zone come in as arguments. The rules are in
 * docs/decisions/0015-20261126-pg-cron-side-by-side.md: an interval becomes cron only when it
 * divides evenly into cron fields, the fixed schedule's grid (initial_start) lands on those fields,
 * and the action's zone keeps the same wall clock as pg_cron's.
 */
public final class CronTranslation {

  private static final Map<String, String> MACROS =
      Map.of(
          "@hourly", "0 * * * *",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@weekly", "0 0 * * 0",
          "@monthly", "0 0 1 * *",
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *");

  private static final String[] DAY_NAMES = {"", "1", "2", "3", "4", "5", "6", "0"};

  private CronTranslation() {}

  /** The pg_cron job name Hourglass gives an exported action. */
  public static String jobName(int actionJobId) {
    return "hourglass-action-" + actionJobId;
  }

  /** Either a pg_cron schedule or the reason there is none. */
  record Schedule(Optional<String> cron, Optional<String> reason) {
    static Schedule of(String cron) {
      return new Schedule(Optional.of(cron), Optional.empty());
    }

    static Schedule not(String reason) {
      return new Schedule(Optional.empty(), Optional.of(reason));
    }
  }

  /**
   * @param targetDatabase the action's database name on the server (pg_cron's job database)
   * @param inCronDatabase whether that is pg_cron's own database: then {@code cron.schedule} does
   */
  static PgCronEquivalent translate(
      Action action,
      PgCronVersion version,
      ZoneId cronZone,
      String targetDatabase,
      boolean inCronDatabase,
      Optional<Long> exportedAs) {
    var schedule = schedule(action.schedule(), version, cronZone);
    var command = command(action);
    var name = jobName(action.jobId());
    Optional<String> statement =
        schedule
            .cron()
            .map(
                cron ->
                    inCronDatabase
                        ? "SELECT cron.schedule("
                            + literal(name)
                            + ", "
                            + literal(cron)
                            + ", "
                            + literal(command)
                            + ");"
                        : "SELECT cron.schedule_in_database("
                            + literal(name)
                            + ", "
                            + literal(cron)
                            + ", "
                            + literal(command)
                            + ", "
                            + literal(targetDatabase)
                            + ");");
    return new PgCronEquivalent(
        action.id(),
        action.jobName(),
        schedule.cron(),
        schedule.reason(),
        command,
        statement,
        name,
        losses(action, version, cronZone),
        exportedAs);
  }

  /** {@code CALL "s"."p"(job_id, 'config'::jsonb)}; SELECT for a function; NULL for no config. */
  static String command(Action action) {
    var config =
        action.config().isEmpty() ? "NULL::jsonb" : literal(action.config().json()) + "::jsonb";
    var args = "(" + action.jobId() + ", " + config + ")";
    return action.kind() == Routine.Kind.PROCEDURE
        ? "CALL " + action.routine().sql() + args
        : "SELECT " + action.routine().sql() + args;
  }

  /**
   * A standard SQL string literal (quotes doubled). Backslashes are plain characters with
   * standard_conforming_strings on, PostgreSQL's default since 9.1, which pg_cron's sessions keep.
   */
  static String literal(String text) {
    if (text.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("a NUL character cannot be in an SQL literal");
    }
    return "'" + text.replace("'", "''") + "'";
  }

  static Schedule schedule(ActionSchedule s, PgCronVersion version, ZoneId cronZone) {
    var zone = s.timezoneIfAny().orElse(ZoneOffset.UTC);
    boolean sameClock = sameWallClock(zone, cronZone);
    if (s.recurrence() instanceof CronSpec cron) {
      return cron(cron, zone, sameClock, version, cronZone);
    }
    var interval = (Interval) s.recurrence();
    if (!s.fixedSchedule()) {
      return Schedule.not(
          "The action runs "
              + interval
              + " after each run ends (fixed_schedule off). pg_cron only starts jobs at clock"
              + " times, so a finish-relative schedule has no pg_cron equivalent.");
    }
    var origin = s.initialStart();
    if (interval.months() > 0) {
      return months(interval, origin, zone, sameClock, cronZone);
    }
    if (interval.days() > 0 && interval.micros() > 0) {
      return Schedule.not(
          "The interval "
              + interval
              + " mixes days with a time of day; cron fields cannot step by it.");
    }
    if (interval.days() > 0) {
      return days(interval, origin, zone, sameClock, cronZone);
    }
    return time(interval, origin, zone, sameClock, version, cronZone);
  }

  private static Schedule cron(
      CronSpec cron, ZoneId zone, boolean sameClock, PgCronVersion version, ZoneId cronZone) {
    var text = cron.expression();
    var fields = MACROS.getOrDefault(text.toLowerCase(Locale.ROOT), text).split("\\s+");
    if (text.contains("$") && !version.hasLastDayOfMonth()) {
      return Schedule.not(
          "The cron expression uses $ (last day of the month), which pg_cron "
              + version
              + " does not know; it came with pg_cron 1.5.");
    }
    if (!sameClock) {
      boolean hourless =
          fields[1].equals("*")
              && fields[2].equals("*")
              && fields[3].equals("*")
              && fields[4].equals("*");
      if (!(hourless && offsetsDifferBy(zone, cronZone, 60))) {
        return Schedule.not(
            "The action's cron runs on the wall clock of "
                + zone.getId()
                + "; pg_cron runs schedules in "
                + cronZone.getId()
                + ", and the two clocks differ by an amount that changes (daylight saving) or"
                + " is not whole hours, so the same times cannot be written for pg_cron.");
      }
    }
    return Schedule.of(text);
  }

  private static Schedule months(
      Interval interval, Instant origin, ZoneId zone, boolean sameClock, ZoneId cronZone) {
    int n = interval.months();
    if (12 % n != 0) {
      return Schedule.not(
          "Every "
              + interval
              + " does not repeat within a year, so no set of cron months matches it (only 1, 2,"
              + " 3, 4, 6 and 12 months do).");
    }
    if (!sameClock) {
      return Schedule.not(zoneReason(zone, cronZone));
    }
    var local = LocalDateTime.ofInstant(origin, zone);
    if (local.getSecond() != 0 || local.getNano() != 0) {
      return Schedule.not(secondsReason(local));
    }
    if (local.getDayOfMonth() > 28) {
      return Schedule.not(
          "The schedule starts on day "
              + local.getDayOfMonth()
              + ": Hourglass (like TimescaleDB) moves it to the last day of shorter months, cron"
              + " skips months without that day.");
    }
    var months = new TreeSet<Integer>();
    for (int m = local.getMonthValue(); months.size() < 12 / n; m += n) {
      months.add((m - 1) % 12 + 1);
    }
    return Schedule.of(
        local.getMinute()
            + " "
            + local.getHour()
            + " "
            + local.getDayOfMonth()
            + " "
            + (n == 1 ? "*" : join(months))
            + " *");
  }

  private static Schedule days(
      Interval interval, Instant origin, ZoneId zone, boolean sameClock, ZoneId cronZone) {
    if (!sameClock) {
      return Schedule.not(zoneReason(zone, cronZone));
    }
    var local = LocalDateTime.ofInstant(origin, zone);
    if (local.getSecond() != 0 || local.getNano() != 0) {
      return Schedule.not(secondsReason(local));
    }
    var at = local.getMinute() + " " + local.getHour() + " ";
    if (interval.days() == 1) {
      return Schedule.of(at + "* * *");
    }
    if (interval.days() == 7) {
      return Schedule.of(at + "* * " + DAY_NAMES[local.getDayOfWeek().getValue()]);
    }
    return Schedule.not(
        "Every "
            + interval
            + " runs across month ends; cron's day-of-month steps start again on the 1st of"
            + " each month, so only 1 day and 7 days have cron equivalents.");
  }

  private static Schedule time(
      Interval interval,
      Instant origin,
      ZoneId zone,
      boolean sameClock,
      PgCronVersion version,
      ZoneId cronZone) {
    long micros = interval.micros();
    if (micros % 1_000_000 != 0) {
      return Schedule.not("The interval " + interval + " has fractions of a second.");
    }
    long seconds = micros / 1_000_000;
    if (seconds < 60) {
      if (!version.hasSecondSchedules()) {
        return Schedule.not(
            "pg_cron "
                + version
                + " starts jobs at most once a minute; schedules of seconds ('"
                + seconds
                + " seconds') came with pg_cron 1.5.");
      }
      // pg_cron's seconds schedules count from when the job is scheduled: the grid is lost.
      return Schedule.of(seconds + " seconds");
    }
    if (seconds % 60 != 0) {
      return Schedule.not(
          "The interval " + interval + " is not whole minutes, the smallest step of cron.");
    }
    long minutes = seconds / 60;
    var local = LocalDateTime.ofInstant(origin, cronZone);
    if (local.getSecond() != 0 || local.getNano() != 0) {
      return Schedule.not(secondsReason(local));
    }
    if (minutes < 60) {
      if (60 % minutes != 0) {
        return Schedule.not(
            "Every "
                + interval
                + " does not divide an hour, and cron's minute steps start again every hour.");
      }
      if (!sameClock && !offsetsDifferBy(zone, cronZone, minutes)) {
        return Schedule.not(zoneReason(zone, cronZone));
      }
      int first = (int) (local.getMinute() % minutes);
      return Schedule.of(steps(first, (int) minutes, 60) + " * * * *");
    }
    if (minutes % 60 != 0) {
      return Schedule.not(
          "The interval "
              + interval
              + " is neither whole minutes within an hour nor whole hours; cron cannot step by"
              + " it.");
    }
    long hours = minutes / 60;
    if (24 % hours != 0) {
      return Schedule.not(
          "Every "
              + interval
              + " does not divide a day, and cron's hour steps start again every day.");
    }
    if (!sameClock && !offsetsDifferBy(zone, cronZone, minutes)) {
      return Schedule.not(zoneReason(zone, cronZone));
    }
    int first = (int) (local.getHour() % hours);
    return Schedule.of(local.getMinute() + " " + steps(first, (int) hours, 24) + " * * *");
  }

  /** {@code *}, {@code *}{@code /n} from 0, else the list of values. */
  private static String steps(int first, int step, int range) {
    if (step == 1) {
      return "*";
    }
    if (first == 0) {
      return "*/" + step;
    }
    var values = new TreeSet<Integer>();
    for (int v = first; v < range; v += step) {
      values.add(v);
    }
    return join(values);
  }

  private static String join(TreeSet<Integer> values) {
    return String.join(",", values.stream().map(String::valueOf).toList());
  }

  private static String secondsReason(LocalDateTime local) {
    return "The schedule's grid starts at "
        + local.toLocalTime()
        + ", not on a whole minute; pg_cron starts jobs on whole minutes.";
  }

  private static String zoneReason(ZoneId zone, ZoneId cronZone) {
    return "The action runs on the wall clock of "
        + zone.getId()
        + " and pg_cron runs schedules in "
        + cronZone.getId()
        + "; their difference changes with daylight saving or does not fit the interval, so"
        + " the times would move.";
  }

  /** Same offset at every moment: both fixed and equal, or the same rules. */
  static boolean sameWallClock(ZoneId a, ZoneId b) {
    var ra = a.getRules();
    var rb = b.getRules();
    if (ra.isFixedOffset() && rb.isFixedOffset()) {
      return ra.getOffset(Instant.EPOCH).equals(rb.getOffset(Instant.EPOCH));
    }
    return ra.equals(rb);
  }

  /**
   * Whether the two zones' offsets always differ by a multiple of {@code minutes}, so a grid of
   * that step is the same instants on both clocks. Looks at this year's and last year's offsets.
   */
  static boolean offsetsDifferBy(ZoneId zone, ZoneId cronZone, long minutes) {
    var now = Instant.now();
    for (int month = -12; month <= 12; month++) {
      var t = now.plus(Duration.ofDays(30L * month));
      long diff =
          zone.getRules().getOffset(t).getTotalSeconds()
              - cronZone.getRules().getOffset(t).getTotalSeconds();
      if (diff % (minutes * 60) != 0) {
        return false;
      }
    }
    return true;
  }

  static List<Loss> losses(Action action, PgCronVersion version, ZoneId cronZone) {
    var s = action.schedule();
    var out = new ArrayList<Loss>();
    out.add(
        new Loss(
            "Retries and backoff",
            "pg_cron does not retry a failed run; the job runs again at its next time. Hourglass"
                + " retries after retry_period ("
                + s.retryPeriod()
                + ") times the failures in a row, capped at 5 intervals, with jitter"
                + (s.maxRetries().value() >= 0
                    ? ", and stops after max_retries = " + s.maxRetries().value() + "."
                    : "."),
            true));
    out.add(
        new Loss(
            "max_runtime",
            action.maxRuntime().isZero()
                ? "The action has no max_runtime; pg_cron has none either (a statement_timeout"
                    + " set for the role or database would apply to both)."
                : "pg_cron has no per-job time limit: the action's max_runtime of "
                    + action.maxRuntime().toSeconds()
                    + " s would not stop the run. Set statement_timeout for the job's role, or"
                    + " put SET statement_timeout in front of the command.",
            !action.maxRuntime().isZero()));
    out.add(
        new Loss(
            "Config and check_config",
            "The config is written into the command as a literal: changing it means scheduling the"
                + " job again, and pg_cron never calls check_config"
                + action.checkConfig().map(c -> " (" + c + ")").orElse("")
                + ". The job_id passed is the action's ("
                + action.jobId()
                + "), not pg_cron's.",
            !action.config().isEmpty() || action.checkConfig().isPresent()));
    out.add(
        new Loss(
            "Time zone",
            "pg_cron evaluates every schedule in one zone for the whole server ("
                + cronZone.getId()
                + (version.hasSecondSchedules() ? "" : ", fixed in pg_cron " + version)
                + "); the action's own zone"
                + s.timezoneIfAny().map(z -> " (" + z.getId() + ")").orElse(" (none: UTC)")
                + " cannot be kept per job.",
            s.timezoneIfAny().filter(z -> !sameWallClock(z, cronZone)).isPresent()));
    out.add(
        new Loss(
            "Drift-free or finish-relative",
            s.fixedSchedule()
                ? "Both run on a fixed grid. pg_cron's grid is the cron fields; the action's"
                    + " initial_start only places it."
                : "The action runs its interval after each run ends (fixed_schedule off); pg_cron"
                    + " has only clock times, so the schedule changes meaning.",
            !s.fixedSchedule()));
    boolean subMinute =
        s.recurrence() instanceof Interval iv
            && iv.months() == 0
            && iv.days() == 0
            && iv.micros() < 60_000_000L;
    out.add(
        new Loss(
            "Sub-minute schedules",
            version.hasSecondSchedules()
                ? "pg_cron "
                    + version
                    + " has 'N seconds' schedules (1 to 59 s), counted from when the job is"
                    + " scheduled, not from initial_start."
                : "pg_cron "
                    + version
                    + " starts a job at most once a minute ('N seconds' schedules came with 1.5).",
            subMinute));
    out.add(
        new Loss(
            "Overlap",
            "Neither starts a job while its previous run goes on. pg_cron queues the missed time"
                + " and starts the job again as soon as the run ends; Hourglass skips the slots"
                + " missed while running and waits for the next one.",
            true));
    out.add(
        new Loss(
            "History and alerts",
            "pg_cron keeps its own cron.job_run_details (status and message, no notices, no"
                + " job_stats, no alert mails); Hourglass's run history of the action stays with"
                + " the action.",
            true));
    return List.copyOf(out);
  }
}
