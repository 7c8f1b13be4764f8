package dev.hourglass.dispatch.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hourglass.action.ActionId;
import dev.hourglass.action.Notice;
import dev.hourglass.common.AccessDeniedException;
import dev.hourglass.common.UserFacingException;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.dispatch.ActionRun;
import dev.hourglass.dispatch.ActionStats;
import dev.hourglass.dispatch.RunFilter;
import dev.hourglass.dispatch.RunHistory;
import dev.hourglass.dispatch.RunPage;
import dev.hourglass.dispatch.RunStatus;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.Permission;
import dev.hourglass.tenant.TenantAccess;
import dev.hourglass.tenant.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** Reads runs and statistics in the tenant's scope, for members with the VIEW permission. */
@ApplicationScoped
public class JdbcRunHistory implements RunHistory {

  static final String NO_RUN = "There is no such run in this team.";
  static final String NO_ACTION =
      "There is no such action in this team. It may have been deleted; go back to the list.";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_LIMIT = 1000;
  private static final int MAX_PAGE = 500;
  static final String SEARCH_TOO_SLOW =
      "The search took longer than 5 seconds. Narrow it: pick a database or an action, or a"
          + " shorter time range.";
  private static final String FAILED_STATUSES = "('FAILED', 'TIMED_OUT', 'CRASHED')";

  private static final String RUN_COLUMNS =
      """
      select id, action_id, job_id, scheduled_for, attempt, status, node, started_at, finished_at,
             sqlstate, message, detail, hint, notices::text, config::text
        from action_run
      """;

  /** The job_stats kept on the action (column 14 is its id), for the tenant's live actions. */
  private static final String STATS =
      """
      select total_runs, total_successes, total_failures, total_crashes,
             consecutive_failures, consecutive_crashes, last_run_started_at,
             last_finish, last_successful_finish, last_run_status,
             last_run_duration_us, next_start, current_run is not null, id
        from action where tenant_id = ? and archived_at is null
      """;

  private DataSource dataSource;

  /** For CDI's client proxy only. */
  protected JdbcRunHistory() {}

  @Inject
  public JdbcRunHistory(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public List<ActionRun> runs(Caller caller, TenantId tenant, ActionId action, int limit) {
    int bounded = Math.max(1, Math.min(MAX_LIMIT, limit));
    return TenantAccess.inTenant(
        dataSource,
        caller,
        tenant,
        Permission.VIEW,
        "read the runs",
        c -> {
          try (var ps =
              c.prepareStatement(
                  RUN_COLUMNS
                      + " where tenant_id = ? and action_id = ?"
                      + " order by scheduled_for desc limit ?")) {
            ps.setObject(1, tenant.value());
            ps.setObject(2, action.value());
            ps.setInt(3, bounded);
            var result = new ArrayList<ActionRun>();
            try (var rs = ps.executeQuery()) {
              while (rs.next()) {
                result.add(read(rs));
              }
            }
            return List.copyOf(result);
          }
        });
  }

  @Override
  public RunPage search(
      Caller caller, TenantId tenant, RunFilter filter, Optional<RunPage.Cursor> after, int limit) {
    int bounded = Math.max(1, Math.min(MAX_PAGE, limit));
    var sql = new StringBuilder(RUN_COLUMNS).append(" where tenant_id = ?");
    var values = new ArrayList<Object>();
    values.add(tenant.value());
    filter.database().ifPresent(d -> add(sql, values, " and database_id = ?", d.value()));
    filter.action().ifPresent(a -> add(sql, values, " and action_id = ?", a.value()));
    if (filter.errorsOnly()) {
      // Spelled out so the planner can use the partial index of failures.
      sql.append(" and status in ").append(FAILED_STATUSES);
    }
    if (!filter.statuses().isEmpty()) {
      sql.append(" and status in (")
          .append(String.join(", ", java.util.Collections.nCopies(filter.statuses().size(), "?")))
          .append(")");
      filter.statuses().stream().map(Enum::name).sorted().forEach(values::add);
    }
    filter.from().ifPresent(f -> add(sql, values, " and scheduled_for >= ?", Timestamp.from(f)));
    filter.to().ifPresent(t -> add(sql, values, " and scheduled_for < ?", Timestamp.from(t)));
    filter
        .sqlState()
        .ifPresent(
            s ->
                add(
                    sql,
                    values,
                    s.length() == 2 ? " and left(sqlstate, 2) = ?" : " and sqlstate = ?",
                    s));
    filter
        .text()
        .ifPresent(
            t -> {
              var pattern = "%" + likeEscaped(t) + "%";
              // The expression of the trigram index in migration V10, spelled the same.
              sql.append(
                  " and (coalesce(message, '') || ' | ' || coalesce(detail, '') || ' | '"
                      + " || coalesce(hint, '')) ilike ? escape '\\'");
              values.add(pattern);
            });
    after.ifPresent(
        c -> {
          sql.append(" and (scheduled_for, id) < (?, ?)");
          values.add(Timestamp.from(c.scheduledFor()));
          values.add(c.runId());
        });
    sql.append(" order by scheduled_for desc, id desc limit ?");
    values.add(bounded + 1);
    return TenantAccess.inTenant(
        dataSource,
        caller,
        tenant,
        Permission.VIEW,
        "search the runs",
        c -> {
          try (var st = c.createStatement()) {
            st.execute("set local statement_timeout = '5s'");
          }
          var found = new ArrayList<ActionRun>();
          try (var ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < values.size(); i++) {
              ps.setObject(i + 1, values.get(i));
            }
            try (var rs = ps.executeQuery()) {
              while (rs.next()) {
                found.add(read(rs));
              }
            }
          } catch (SQLException e) {
            if ("57014".equals(e.getSQLState())) {
              throw new UserFacingException(SEARCH_TOO_SLOW);
            }
            throw e;
          }
          if (found.size() <= bounded) {
            return new RunPage(found, Optional.empty());
          }
          var page = found.subList(0, bounded);
          var last = page.get(bounded - 1);
          return new RunPage(page, Optional.of(new RunPage.Cursor(last.scheduledFor(), last.id())));
        });
  }

  private static void add(StringBuilder sql, List<Object> values, String condition, Object value) {
    sql.append(condition);
    values.add(value);
  }

  /** The text as a LIKE pattern that matches it literally. */
  static String likeEscaped(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  @Override
  public ActionRun run(Caller caller, TenantId tenant, long runId) {
    return TenantAccess.inTenant(
        dataSource,
        caller,
        tenant,
        Permission.VIEW,
        "read the run",
        c -> {
          try (var ps = c.prepareStatement(RUN_COLUMNS + " where tenant_id = ? and id = ?")) {
            ps.setObject(1, tenant.value());
            ps.setLong(2, runId);
            try (var rs = ps.executeQuery()) {
              if (!rs.next()) {
                throw new AccessDeniedException(NO_RUN);
              }
              return read(rs);
            }
          }
        });
  }

  @Override
  public ActionStats stats(Caller caller, TenantId tenant, ActionId action) {
    return TenantAccess.inTenant(
        dataSource,
        caller,
        tenant,
        Permission.VIEW,
        "read the action's statistics",
        c -> {
          try (var ps = c.prepareStatement(STATS + " and id = ?")) {
            ps.setObject(1, tenant.value());
            ps.setObject(2, action.value());
            try (var rs = ps.executeQuery()) {
              if (!rs.next()) {
                throw new AccessDeniedException(NO_ACTION);
              }
              return readStats(rs);
            }
          }
        });
  }

  @Override
  public Map<ActionId, ActionStats> stats(
      Caller caller, TenantId tenant, Optional<DatabaseId> database) {
    return TenantAccess.inTenant(
        dataSource,
        caller,
        tenant,
        Permission.VIEW,
        "read the actions' statistics",
        c -> {
          try (var ps =
              c.prepareStatement(STATS + (database.isPresent() ? " and database_id = ?" : ""))) {
            ps.setObject(1, tenant.value());
            if (database.isPresent()) {
              ps.setObject(2, database.get().value());
            }
            var result = new HashMap<ActionId, ActionStats>();
            try (var rs = ps.executeQuery()) {
              while (rs.next()) {
                result.put(new ActionId(rs.getObject(14, UUID.class)), readStats(rs));
              }
            }
            return Map.copyOf(result);
          }
        });
  }

  private static ActionStats readStats(ResultSet rs) throws SQLException {
    var status = rs.getString(10);
    var duration = rs.getObject(11, Long.class);
    return new ActionStats(
        rs.getLong(1),
        rs.getLong(2),
        rs.getLong(3),
        rs.getLong(4),
        rs.getInt(5),
        rs.getInt(6),
        instant(rs.getTimestamp(7)),
        instant(rs.getTimestamp(8)),
        instant(rs.getTimestamp(9)),
        Optional.ofNullable(status).map(RunStatus::valueOf),
        Optional.ofNullable(duration).map(us -> Duration.ofNanos(us * 1000)),
        instant(rs.getTimestamp(12)),
        rs.getBoolean(13));
  }

  private static ActionRun read(ResultSet rs) throws SQLException {
    return new ActionRun(
        rs.getLong(1),
        new ActionId(rs.getObject(2, UUID.class)),
        rs.getInt(3),
        rs.getTimestamp(4).toInstant(),
        rs.getInt(5),
        RunStatus.valueOf(rs.getString(6)),
        rs.getString(7),
        instant(rs.getTimestamp(8)),
        instant(rs.getTimestamp(9)),
        Optional.ofNullable(rs.getString(10)),
        Optional.ofNullable(rs.getString(11)),
        Optional.ofNullable(rs.getString(12)),
        Optional.ofNullable(rs.getString(13)),
        notices(rs.getString(14)),
        rs.getString(15));
  }

  private static Optional<Instant> instant(Timestamp t) {
    return t == null ? Optional.empty() : Optional.of(t.toInstant());
  }

  private static List<Notice> notices(String json) {
    if (json == null) {
      return List.of();
    }
    try {
      return JSON.readValue(json, new TypeReference<List<Notice>>() {});
    } catch (IOException e) {
      throw new IllegalStateException("Stored notices are not readable", e);
    }
  }
}
