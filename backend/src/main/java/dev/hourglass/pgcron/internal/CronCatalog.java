package dev.hourglass.pgcron.internal;

import dev.hourglass.common.InvalidInputException;
import dev.hourglass.pgcron.CronRun;
import dev.hourglass.schedule.CronSpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads {@code cron.job} and {@code cron.job_run_details} in the cron database. */
final class CronCatalog {

  /** A bound on the rows one page reads, so a years-old history cannot fill the JVM. */
  static final int MAX_RUNS = 20_000;

  private CronCatalog() {}

  record JobRow(
      long jobId,
      Optional<String> name,
      String schedule,
      String command,
      String database,
      String username,
      boolean active) {}

  /** The jobs pg_cron runs in {@code database} that this connection's user may see. */
  static List<JobRow> jobs(Connection c, String database) throws SQLException {
    try (var ps =
        c.prepareStatement(
            "select jobid, jobname, schedule, command, database, username, active"
                + " from cron.job where database = ? order by jobid")) {
      ps.setString(1, database);
      return read(ps);
    }
  }

  static Optional<JobRow> job(Connection c, long jobId) throws SQLException {
    try (var ps =
        c.prepareStatement(
            "select jobid, jobname, schedule, command, database, username, active"
                + " from cron.job where jobid = ?")) {
      ps.setLong(1, jobId);
      return read(ps).stream().findFirst();
    }
  }

  /** The current user's job of that name (pg_cron's cron.schedule overwrites one by name). */
  static Optional<JobRow> jobNamed(Connection c, String name) throws SQLException {
    try (var ps =
        c.prepareStatement(
            "select jobid, jobname, schedule, command, database, username, active"
                + " from cron.job where jobname = ? and username = current_user")) {
      ps.setString(1, name);
      return read(ps).stream().findFirst();
    }
  }

  private static List<JobRow> read(java.sql.PreparedStatement ps) throws SQLException {
    var out = new ArrayList<JobRow>();
    try (var rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(
            new JobRow(
                rs.getLong(1),
                Optional.ofNullable(rs.getString(2)),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getBoolean(7)));
      }
    }
    return out;
  }

  /** Runs of the jobs that started in {@code [from, to)}, oldest first, by job. */
  static Map<Long, List<CronRun>> runs(
      Connection c, List<JobRow> jobs, Instant from, Instant to, ZoneId zone) throws SQLException {
    var result = new HashMap<Long, List<CronRun>>();
    var specs = new HashMap<Long, Optional<CronSpec>>();
    for (var job : jobs) {
      result.put(job.jobId(), new ArrayList<>());
      specs.put(job.jobId(), spec(job.schedule()));
    }
    if (jobs.isEmpty()) {
      return result;
    }
    try (var ps =
        c.prepareStatement(
            "select jobid, status, return_message, start_time, end_time"
                + " from cron.job_run_details"
                + " where jobid = any(?) and start_time >= ? and start_time < ?"
                + " order by start_time limit "
                + MAX_RUNS)) {
      ps.setArray(1, c.createArrayOf("bigint", jobs.stream().map(JobRow::jobId).toArray()));
      ps.setTimestamp(2, Timestamp.from(from));
      ps.setTimestamp(3, Timestamp.from(to));
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          long job = rs.getLong(1);
          var start = rs.getTimestamp(4).toInstant();
          var end = Optional.ofNullable(rs.getTimestamp(5)).map(Timestamp::toInstant);
          var status = rs.getString(2);
          var outcome =
              switch (status == null ? "" : status) {
                case "succeeded" -> CronRun.Outcome.SUCCEEDED;
                case "failed" -> CronRun.Outcome.FAILED;
                default -> CronRun.Outcome.RUNNING;
              };
          var slot = specs.get(job).flatMap(s -> slotOf(s, start, zone));
          result
              .get(job)
              .add(
                  new CronRun(
                      slot,
                      start,
                      outcome == CronRun.Outcome.RUNNING ? Optional.empty() : end,
                      outcome,
                      rs.getString(3)));
        }
      }
    }
    return result;
  }

  /** A pg_cron schedule Hourglass can evaluate; empty for seconds schedules and @reboot. */
  static Optional<CronSpec> spec(String schedule) {
    try {
      return Optional.of(CronSpec.parse(schedule));
    } catch (InvalidInputException notCron) {
      return Optional.empty();
    }
  }

  /** The latest cron time at or before {@code start}: the slot pg_cron started the run for. */
  static Optional<Instant> slotOf(CronSpec spec, Instant start, ZoneId zone) {
    for (var window : List.of(Duration.ofMinutes(61), Duration.ofDays(2), Duration.ofDays(400))) {
      Instant previous = null;
      var t = spec.nextAfter(start.minus(window), zone);
      int steps = 0;
      while (!t.isAfter(start) && steps++ < 2000) {
        previous = t;
        t = spec.nextAfter(t, zone);
      }
      if (previous != null) {
        return Optional.of(previous);
      }
    }
    return Optional.empty();
  }
}
