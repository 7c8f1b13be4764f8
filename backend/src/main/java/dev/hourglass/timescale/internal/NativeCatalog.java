package dev.hourglass.timescale.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hourglass.action.ActionId;
import dev.hourglass.timescale.NativeJob;
import dev.hourglass.timescale.NativeJobRun;
import dev.hourglass.timescale.NativeJobs;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads TimescaleDB's job catalog. Each row is read as {@code to_jsonb(row)}, so a column a version
 * lacks (the time zone before 2.13, fixed_schedule before 2.9) is simply absent rather than an
 * error; the time zone is only in {@code _timescaledb_config.bgw_job}, not in the jobs view.
 */
final class NativeCatalog {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final int RUNS = 50;

  private NativeCatalog() {}

  static Optional<String> version(Connection c) throws SQLException {
    try (var st = c.createStatement();
        var rs =
            st.executeQuery("select extversion from pg_extension where extname = 'timescaledb'")) {
      return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
    }
  }

  /** The schema TimescaleDB's API functions live in, quoted for SQL. */
  static String apiSchema(Connection c) throws SQLException {
    try (var st = c.createStatement();
        var rs =
            st.executeQuery(
                "select quote_ident(extnamespace::regnamespace::text) from pg_extension"
                    + " where extname = 'timescaledb'")) {
      if (!rs.next()) {
        throw new dev.hourglass.common.UserFacingException(
            "TimescaleDB is not installed in this database (any more); nothing was changed.");
      }
      return rs.getString(1);
    }
  }

  static NativeJobs read(Connection c, Map<Integer, ActionId> adoptions) throws SQLException {
    var version = version(c);
    if (version.isEmpty()) {
      return new NativeJobs(
          Optional.empty(),
          List.of(),
          List.of(),
          List.of("TimescaleDB is not installed in this database, so it has no native jobs."));
    }
    var notes = new ArrayList<String>();
    var zones = new HashMap<Integer, String>();
    try {
      for (var row : rows(c, "select to_jsonb(b)::text from _timescaledb_config.bgw_job b")) {
        text(row, "timezone").ifPresent(z -> zones.put(row.path("id").asInt(), z));
      }
    } catch (SQLException e) {
      notes.add(
          "The time zones of the jobs could not be read (_timescaledb_config.bgw_job: "
              + Targets.message(e)
              + ").");
    }
    var stats = new HashMap<Integer, NativeJob.Stats>();
    for (var row : rows(c, "select to_jsonb(s)::text from timescaledb_information.job_stats s")) {
      stats.put(
          row.path("job_id").asInt(),
          new NativeJob.Stats(
              text(row, "last_run_status"),
              text(row, "job_status"),
              time(row, "last_run_started_at"),
              time(row, "last_successful_finish"),
              row.path("total_runs").asLong(0),
              row.path("total_successes").asLong(0),
              row.path("total_failures").asLong(0)));
    }
    var jobs = new ArrayList<NativeJob>();
    for (var row :
        rows(c, "select to_jsonb(j)::text from timescaledb_information.jobs j order by j.job_id")) {
      int id = row.path("job_id").asInt();
      var procSchema = row.path("proc_schema").asText();
      var procName = row.path("proc_name").asText();
      var next = text(row, "next_start");
      var hypertable =
          text(row, "hypertable_name")
              .map(n -> text(row, "hypertable_schema").orElse("public") + "." + n);
      jobs.add(
          new NativeJob(
              id,
              row.path("application_name").asText(""),
              kind(id, procSchema, procName),
              procSchema,
              procName,
              row.path("owner").asText(""),
              row.path("schedule_interval").asText(""),
              row.path("fixed_schedule").asBoolean(false),
              time(row, "initial_start"),
              Optional.ofNullable(zones.get(id)),
              row.hasNonNull("config")
                  ? Optional.of(row.get("config").toString())
                  : Optional.empty(),
              text(row, "check_name")
                  .map(n -> text(row, "check_schema").orElse("public") + "." + n),
              row.path("max_runtime").asText("00:00:00"),
              row.path("max_retries").asInt(-1),
              row.path("retry_period").asText("00:05:00"),
              row.path("scheduled").asBoolean(true),
              next.filter("infinity"::equals).isPresent(),
              time(row, "next_start"),
              hypertable,
              Optional.ofNullable(stats.get(id)),
              Optional.ofNullable(adoptions.get(id))));
    }
    var runs = new ArrayList<NativeJobRun>();
    if (exists(c, "timescaledb_information.job_history")) {
      for (var row :
          rows(
              c,
              "select to_jsonb(h)::text from timescaledb_information.job_history h"
                  + " order by h.start_time desc nulls last limit "
                  + RUNS)) {
        runs.add(run(row, row.path("succeeded").asBoolean(false)));
      }
    } else if (exists(c, "timescaledb_information.job_errors")) {
      notes.add(
          "This TimescaleDB version keeps no job_history (2.15 and later do); only failed runs"
              + " are listed.");
      for (var row :
          rows(
              c,
              "select to_jsonb(e)::text from timescaledb_information.job_errors e"
                  + " order by e.start_time desc nulls last limit "
                  + RUNS)) {
        runs.add(run(row, false));
      }
    } else {
      notes.add("This TimescaleDB version keeps no record of past runs (job_errors came in 2.9).");
    }
    return new NativeJobs(version, jobs, runs, notes);
  }

  static NativeJob.Kind kind(int id, String procSchema, String procName) {
    if (!procSchema.equals("_timescaledb_functions")
        && !procSchema.equals("_timescaledb_internal")) {
      return NativeJob.Kind.USER_DEFINED;
    }
    return switch (procName) {
      case "policy_compression" -> NativeJob.Kind.COMPRESSION;
      case "policy_retention" -> NativeJob.Kind.RETENTION;
      case "policy_refresh_continuous_aggregate" -> NativeJob.Kind.REFRESH;
      case "policy_reorder" -> NativeJob.Kind.REORDER;
      default -> id < 1000 ? NativeJob.Kind.SYSTEM : NativeJob.Kind.OTHER_POLICY;
    };
  }

  private static NativeJobRun run(JsonNode row, boolean succeeded) {
    return new NativeJobRun(
        row.path("job_id").asInt(),
        time(row, "start_time"),
        time(row, "finish_time"),
        succeeded,
        text(row, "sqlerrcode"),
        text(row, "err_message"));
  }

  private static boolean exists(Connection c, String relation) throws SQLException {
    try (var ps = c.prepareStatement("select to_regclass(?) is not null")) {
      ps.setString(1, relation);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private static List<JsonNode> rows(Connection c, String sql) throws SQLException {
    var result = new ArrayList<JsonNode>();
    try (var st = c.createStatement();
        var rs = st.executeQuery(sql)) {
      while (rs.next()) {
        try {
          result.add(JSON.readTree(rs.getString(1)));
        } catch (java.io.IOException e) {
          throw new IllegalStateException("PostgreSQL's to_jsonb gave no JSON", e);
        }
      }
    }
    return result;
  }

  private static Optional<String> text(JsonNode row, String key) {
    var node = row.get(key);
    return node == null || node.isNull() ? Optional.empty() : Optional.of(node.asText());
  }

  private static Optional<Instant> time(JsonNode row, String key) {
    return text(row, key)
        .filter(t -> !t.equals("infinity") && !t.equals("-infinity"))
        .map(t -> OffsetDateTime.parse(t).toInstant());
  }
}
