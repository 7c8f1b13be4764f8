package dev.hourglass.action.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hourglass.action.Action;
import dev.hourglass.action.ActionAuthoring;
import dev.hourglass.action.ActionConfig;
import dev.hourglass.action.ActionDraft;
import dev.hourglass.action.ActionId;
import dev.hourglass.action.ActionService;
import dev.hourglass.action.ForegroundRun;
import dev.hourglass.action.Routine;
import dev.hourglass.action.RoutineName;
import dev.hourglass.common.AccessDeniedException;
import dev.hourglass.common.InvalidInputException;
import dev.hourglass.common.UserFacingException;
import dev.hourglass.database.DatabaseConnections;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.schedule.ActionSchedule;
import dev.hourglass.schedule.CronSpec;
import dev.hourglass.schedule.Interval;
import dev.hourglass.schedule.NextStartCalculator;
import dev.hourglass.schedule.NextStep;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.Permission;
import dev.hourglass.tenant.TenantAccess;
import dev.hourglass.tenant.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.random.RandomGenerator;
import javax.sql.DataSource;

/**
 * Actions in the control plane; routines and check_config in the target. Work on the target runs
 * between two short control-plane transactions, never inside one.
 */
@ApplicationScoped
public class JdbcActionService implements ActionService {

  static final String NOT_FOUND =
      "There is no such action in this team. It may have been deleted; go back to the list.";
  private static final ObjectMapper JSON = new ObjectMapper();

  private DataSource dataSource;
  private Clock clock;
  private DatabaseConnections targets;
  private ActionAuthoring authoring;
  private NextStartCalculator calculator;

  /** For CDI's client proxy only. */
  protected JdbcActionService() {}

  @Inject
  public JdbcActionService(
      DataSource dataSource, Clock clock, DatabaseConnections targets, ActionAuthoring authoring) {
    this(dataSource, clock, targets, authoring, RandomGenerator.getDefault());
  }

  public JdbcActionService(
      DataSource dataSource,
      Clock clock,
      DatabaseConnections targets,
      ActionAuthoring authoring,
      RandomGenerator random) {
    this.dataSource = dataSource;
    this.clock = clock;
    this.targets = targets;
    this.authoring = authoring;
    this.calculator = new NextStartCalculator(random);
  }

  private static final String SELECT =
      """
      select a.id, a.job_id, a.tenant_id, a.database_id, d.name as database_name, a.job_name,
             a.routine_schema, a.routine_name, a.routine_kind, a.config::text as config,
             a.check_schema, a.check_name, a.schedule_interval::text as schedule_interval, a.cron,
             a.initial_start, a.fixed_schedule, a.timezone, a.scheduled,
             extract(epoch from a.max_runtime) as max_runtime_seconds, a.max_retries,
             a.retry_period::text as retry_period, a.next_start, a.consecutive_failures,
             a.disabled_reason, a.version, a.created_at, a.updated_at
        from action a join target_database d on d.id = a.database_id
       where a.tenant_id = ? and a.archived_at is null
      """;

  @Override
  public List<Action> list(Caller caller, TenantId tenant, Optional<DatabaseId> database) {
    return inTenant(
        caller,
        tenant,
        Permission.VIEW,
        "list the actions",
        c -> {
          try (var ps =
              c.prepareStatement(
                  SELECT
                      + (database.isPresent() ? " and a.database_id = ?" : "")
                      + " order by lower(a.job_name), a.job_id")) {
            ps.setObject(1, tenant.value());
            if (database.isPresent()) {
              ps.setObject(2, database.get().value());
            }
            var result = new ArrayList<Action>();
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
  public Action get(Caller caller, TenantId tenant, ActionId id) {
    return inTenant(
        caller,
        tenant,
        Permission.VIEW,
        "read the action",
        c -> {
          return find(c, tenant, id, false);
        });
  }

  @Override
  public Action add(Caller caller, TenantId tenant, ActionDraft draft) {
    inTenant(
        caller,
        tenant,
        Permission.EDIT_ACTIONS,
        "check the action",
        c -> {
          requireDatabase(c, tenant, draft.database());
          refuseTakenName(c, tenant, draft.jobName(), null);
          return null;
        });
    var kind = verifyOnTarget(caller, tenant, draft, true);
    return inTenant(
        caller,
        tenant,
        Permission.EDIT_ACTIONS,
        "save the action",
        c -> {
          requireDatabase(c, tenant, draft.database());
          refuseTakenName(c, tenant, draft.jobName(), null);
          int jobId;
          try (var ps = c.prepareStatement("select nextval('action_job_id')");
              var rs = ps.executeQuery()) {
            rs.next();
            jobId = rs.getInt(1);
          }
          var id = ActionId.random();
          var now = clock.instant();
          var name =
              draft.jobName().isEmpty() ? "User-Defined Action [" + jobId + "]" : draft.jobName();
          var next = firstStart(draft, now);
          try (var ps =
              c.prepareStatement(
                  """
                  insert into action (id, job_id, tenant_id, database_id, job_name,
                      routine_schema, routine_name, routine_kind, config, check_schema,
                      check_name, schedule_interval, cron, initial_start, fixed_schedule,
                      timezone, scheduled, max_runtime, max_retries, retry_period, next_start,
                      disabled_reason, created_at, created_by, updated_at)
                  values (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?::interval, ?, ?, ?, ?, ?,
                          make_interval(secs => ?), ?, ?::interval, ?, ?, ?, ?, ?)
                  """)) {
            int i = 1;
            ps.setObject(i++, id.value());
            ps.setInt(i++, jobId);
            ps.setObject(i++, tenant.value());
            ps.setObject(i++, draft.database().value());
            ps.setString(i++, name);
            ps.setString(i++, draft.routine().schema());
            ps.setString(i++, draft.routine().name());
            ps.setString(i++, kind.name());
            ps.setString(i++, draft.config().json());
            ps.setString(i++, draft.checkConfig().map(RoutineName::schema).orElse(null));
            ps.setString(i++, draft.checkConfig().map(RoutineName::name).orElse(null));
            i = setSchedule(ps, i, draft.schedule());
            ps.setBoolean(i++, draft.scheduled());
            ps.setLong(i++, draft.maxRuntime().toSeconds());
            ps.setInt(i++, draft.schedule().maxRetries().value());
            ps.setString(i++, draft.schedule().retryPeriod().toString());
            ps.setTimestamp(i++, next.start().map(Timestamp::from).orElse(null));
            ps.setString(i++, next.disabledReason());
            ps.setTimestamp(i++, Timestamp.from(now));
            ps.setString(i++, caller.subject());
            ps.setTimestamp(i++, Timestamp.from(now));
            ps.executeUpdate();
          } catch (SQLException e) {
            throw uniqueName(e, name);
          }
          var saved = find(c, tenant, id, false);
          ActionAudit.record(c, caller, tenant, now, "create", null, saved);
          return saved;
        });
  }

  @Override
  public Action alter(
      Caller caller,
      TenantId tenant,
      ActionId id,
      ActionDraft draft,
      boolean configMerge,
      int expectedVersion) {
    var before = get(caller, tenant, id);
    if (!before.database().equals(draft.database())) {
      throw new InvalidInputException(
          "database",
          "An action stays on its database; delete it and add it on the other database instead.");
    }
    var config = configMerge ? merge(before.config(), draft.config()) : draft.config();
    var effective =
        new ActionDraft(
            draft.database(),
            draft.jobName().isEmpty() ? before.jobName() : draft.jobName(),
            draft.routine(),
            config,
            draft.checkConfig(),
            draft.schedule(),
            draft.scheduled(),
            draft.maxRuntime(),
            draft.nextStart());
    boolean checkAgain =
        !config.equals(before.config()) || !effective.checkConfig().equals(before.checkConfig());
    var kind =
        effective.routine().equals(before.routine()) && !checkAgain
            ? before.kind()
            : verifyOnTarget(caller, tenant, effective, checkAgain);
    return inTenant(
        caller,
        tenant,
        Permission.EDIT_ACTIONS,
        "save the action",
        c -> {
          var current = find(c, tenant, id, true);
          if (current.version() != expectedVersion) {
            throw new UserFacingException(
                "Someone else changed this action while you were editing it. Reload it, then"
                    + " make your change again.");
          }
          refuseTakenName(c, tenant, effective.jobName(), id);
          var now = clock.instant();
          Optional<Instant> next;
          String disabledReason = current.disabledReason().orElse(null);
          boolean paused = current.scheduled() && current.nextStart().isEmpty();
          if (!effective.scheduled()) {
            next = Optional.empty();
          } else if (effective.nextStart().isPresent()) {
            next = effective.nextStart();
          } else if (paused) {
            // Editing a paused action keeps it paused; only Resume (or an explicit next_start)
            // lets it run again.
            next = Optional.empty();
          } else if (!sameSchedule(effective.schedule(), current.schedule())
              || (!current.scheduled() && effective.scheduled())) {
            var step = calculator.afterChange(effective.schedule(), Optional.empty(), now);
            next = NextStartCalculator.startTime(step, now);
            disabledReason = null;
          } else {
            next = current.nextStart();
          }
          try (var ps =
              c.prepareStatement(
                  """
                  update action set job_name = ?, routine_schema = ?, routine_name = ?,
                         routine_kind = ?, config = ?::jsonb, check_schema = ?, check_name = ?,
                         schedule_interval = ?::interval, cron = ?, initial_start = ?,
                         fixed_schedule = ?, timezone = ?, scheduled = ?,
                         max_runtime = make_interval(secs => ?), max_retries = ?,
                         retry_period = ?::interval, next_start = ?, disabled_reason = ?,
                         updated_at = ?, version = version + 1
                   where tenant_id = ? and id = ?
                  """)) {
            int i = 1;
            ps.setString(i++, effective.jobName());
            ps.setString(i++, effective.routine().schema());
            ps.setString(i++, effective.routine().name());
            ps.setString(i++, kind.name());
            ps.setString(i++, effective.config().json());
            ps.setString(i++, effective.checkConfig().map(RoutineName::schema).orElse(null));
            ps.setString(i++, effective.checkConfig().map(RoutineName::name).orElse(null));
            i = setSchedule(ps, i, effective.schedule());
            ps.setBoolean(i++, effective.scheduled());
            ps.setLong(i++, effective.maxRuntime().toSeconds());
            ps.setInt(i++, effective.schedule().maxRetries().value());
            ps.setString(i++, effective.schedule().retryPeriod().toString());
            ps.setTimestamp(i++, next.map(Timestamp::from).orElse(null));
            ps.setString(i++, effective.scheduled() ? disabledReason : null);
            ps.setTimestamp(i++, Timestamp.from(now));
            ps.setObject(i++, tenant.value());
            ps.setObject(i++, id.value());
            ps.executeUpdate();
          } catch (SQLException e) {
            throw uniqueName(e, effective.jobName());
          }
          var saved = find(c, tenant, id, false);
          ActionAudit.record(c, caller, tenant, now, "alter", current, saved);
          return saved;
        });
  }

  @Override
  public Action pause(Caller caller, TenantId tenant, ActionId id) {
    return change(
        caller,
        tenant,
        id,
        "pause the action",
        "pause",
        (c, a) -> setNext(c, tenant, id, Optional.empty(), true, null, false));
  }

  @Override
  public Action resume(Caller caller, TenantId tenant, ActionId id) {
    return change(
        caller,
        tenant,
        id,
        "resume the action",
        "resume",
        (c, a) -> {
          var now = clock.instant();
          var step = calculator.afterChange(a.schedule(), Optional.empty(), now);
          setNext(c, tenant, id, NextStartCalculator.startTime(step, now), true, null, true);
        });
  }

  @Override
  public void delete(Caller caller, TenantId tenant, ActionId id) {
    change(
        caller,
        tenant,
        id,
        "delete the action",
        "delete",
        (c, a) -> {
          try (var ps =
              c.prepareStatement(
                  """
                  update action set archived_at = ?, archived_by = ?, scheduled = false,
                         next_start = null, updated_at = ?, version = version + 1
                   where tenant_id = ? and id = ?
                  """)) {
            var now = Timestamp.from(clock.instant());
            ps.setTimestamp(1, now);
            ps.setString(2, caller.subject());
            ps.setTimestamp(3, now);
            ps.setObject(4, tenant.value());
            ps.setObject(5, id.value());
            ps.executeUpdate();
          }
        });
  }

  @Override
  public ForegroundRun runNow(Caller caller, TenantId tenant, ActionId id) {
    return runNow(caller, tenant, id, notice -> {});
  }

  @Override
  public ForegroundRun runNow(
      Caller caller,
      TenantId tenant,
      ActionId id,
      java.util.function.Consumer<dev.hourglass.action.Notice> live) {
    // Recorded before the call, in a transaction of its own: the run changes the target, not the
    // control plane, and a run the audit could not record does not start.
    var action =
        inTenant(
            caller,
            tenant,
            Permission.EDIT_ACTIONS,
            "run the action",
            c -> {
              var found = find(c, tenant, id, false);
              ActionAudit.record(c, caller, tenant, clock.instant(), "run_now", found, found);
              return found;
            });
    return authoring.runNow(
        caller,
        tenant,
        action.database(),
        action.routine(),
        action.jobId(),
        action.config(),
        action.maxRuntime(),
        live);
  }

  // --- helpers ---------------------------------------------------------------------------------

  private record Start(Optional<Instant> start, String disabledReason) {}

  private Start firstStart(ActionDraft draft, Instant now) {
    if (!draft.scheduled()) {
      return new Start(Optional.empty(), null);
    }
    if (draft.nextStart().isPresent()) {
      return new Start(draft.nextStart(), null);
    }
    var step = calculator.firstRun(draft.schedule(), now);
    if (step instanceof NextStep.Disable d) {
      return new Start(Optional.empty(), d.reason());
    }
    return new Start(NextStartCalculator.startTime(step, now), null);
  }

  /** Checks the routine (and check_config with the config) on the target; returns its kind. */
  private Routine.Kind verifyOnTarget(
      Caller caller, TenantId tenant, ActionDraft draft, boolean runCheck) {
    Routine found;
    try (var c = targets.open(tenant, draft.database())) {
      found = TargetCatalog.find(c, draft.routine());
    } catch (SQLException e) {
      throw new UserFacingException(
          "Could not read the database's functions and procedures: " + e.getMessage());
    }
    if (found == null) {
      throw new InvalidInputException(
          "routine",
          "There is no function or procedure "
              + draft.routine()
              + " in this database. Create it first, or pick one from the list.");
    }
    if (!found.usableAsAction()) {
      throw new InvalidInputException("routine", draft.routine() + ": " + found.whyNotAction());
    }
    if (runCheck && draft.checkConfig().isPresent()) {
      authoring.checkConfig(
          caller, tenant, draft.database(), draft.checkConfig().get(), draft.config());
    }
    return found.kind();
  }

  /**
   * Equal schedules, with initial_start compared to the second: forms send it back at the precision
   * they show, and that must not count as a change that moves the next start.
   */
  static boolean sameSchedule(ActionSchedule a, ActionSchedule b) {
    return a.recurrence().equals(b.recurrence())
        && a.fixedSchedule() == b.fixedSchedule()
        && java.util.Objects.equals(a.timezone(), b.timezone())
        && a.retryPeriod().equals(b.retryPeriod())
        && a.maxRetries().equals(b.maxRetries())
        && java.util.Objects.equals(seconds(a.initialStart()), seconds(b.initialStart()));
  }

  private static Instant seconds(Instant t) {
    return t == null ? null : t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
  }

  private static ActionConfig merge(ActionConfig stored, ActionConfig update) {
    if (stored.isEmpty() || update.isEmpty()) {
      return update.isEmpty() ? stored : update;
    }
    try {
      var base = JSON.readTree(stored.json());
      var extra = JSON.readTree(update.json());
      if (base instanceof ObjectNode b && extra instanceof ObjectNode e) {
        b.setAll(e);
        return new ActionConfig(JSON.writeValueAsString(b));
      }
      return update;
    } catch (java.io.IOException e) {
      throw new IllegalStateException("A stored config is not JSON", e);
    }
  }

  private static int setSchedule(java.sql.PreparedStatement ps, int i, ActionSchedule s)
      throws SQLException {
    ps.setString(i++, s.recurrence() instanceof Interval iv ? iv.toString() : null);
    ps.setString(i++, s.recurrence() instanceof CronSpec cron ? cron.expression() : null);
    ps.setTimestamp(i++, s.initialStart() == null ? null : Timestamp.from(s.initialStart()));
    ps.setBoolean(i++, s.fixedSchedule());
    ps.setString(i++, s.timezone() == null ? null : s.timezone().getId());
    return i;
  }

  @FunctionalInterface
  private interface Change {
    void apply(Connection c, Action current) throws SQLException;
  }

  private Action change(
      Caller caller, TenantId tenant, ActionId id, String what, String operation, Change change) {
    return inTenant(
        caller,
        tenant,
        Permission.EDIT_ACTIONS,
        what,
        c -> {
          var current = find(c, tenant, id, true);
          change.apply(c, current);
          var after = "delete".equals(operation) ? null : find(c, tenant, id, false);
          ActionAudit.record(c, caller, tenant, clock.instant(), operation, current, after);
          // The action as the change left it (as it was, for a delete).
          return after == null ? current : after;
        });
  }

  private void setNext(
      Connection c,
      TenantId tenant,
      ActionId id,
      Optional<Instant> next,
      boolean scheduled,
      String disabledReason,
      boolean resetFailures)
      throws SQLException {
    try (var ps =
        c.prepareStatement(
            "update action set next_start = ?, scheduled = ?, disabled_reason = ?,"
                + " consecutive_failures = case when ? then 0 else consecutive_failures end,"
                + " updated_at = ?, version = version + 1 where tenant_id = ? and id = ?")) {
      ps.setTimestamp(1, next.map(Timestamp::from).orElse(null));
      ps.setBoolean(2, scheduled);
      ps.setString(3, disabledReason);
      ps.setBoolean(4, resetFailures);
      ps.setTimestamp(5, Timestamp.from(clock.instant()));
      ps.setObject(6, tenant.value());
      ps.setObject(7, id.value());
      ps.executeUpdate();
    }
  }

  private static void requireDatabase(Connection c, TenantId tenant, DatabaseId database)
      throws SQLException {
    try (var ps =
        c.prepareStatement(
            "select 1 from target_database where tenant_id = ? and id = ? and archived_at is null")) {
      ps.setObject(1, tenant.value());
      ps.setObject(2, database.value());
      try (var rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new AccessDeniedException(
              "There is no such database in this team. It may have been removed.");
        }
      }
    }
  }

  private static void refuseTakenName(Connection c, TenantId tenant, String name, ActionId self)
      throws SQLException {
    if (name.isEmpty()) {
      return;
    }
    try (var ps =
        c.prepareStatement(
            "select id from action where tenant_id = ? and lower(job_name) = lower(?)"
                + " and archived_at is null")) {
      ps.setObject(1, tenant.value());
      ps.setString(2, name);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          if (self == null || !self.value().equals(rs.getObject(1, UUID.class))) {
            throw new InvalidInputException(
                "job_name", "This team already has an action called '" + name + "'.");
          }
        }
      }
    }
  }

  private static RuntimeException uniqueName(SQLException e, String name) {
    if ("23505".equals(e.getSQLState())) {
      return new InvalidInputException(
          "job_name", "This team already has an action called '" + name + "'.");
    }
    return new IllegalStateException("Could not save the action (" + e.getSQLState() + ")", e);
  }

  private static Action find(Connection c, TenantId tenant, ActionId id, boolean lock)
      throws SQLException {
    try (var ps = c.prepareStatement(SELECT + " and a.id = ?" + (lock ? " for update of a" : ""))) {
      ps.setObject(1, tenant.value());
      ps.setObject(2, id.value());
      try (var rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new AccessDeniedException(NOT_FOUND);
        }
        return read(rs);
      }
    }
  }

  static Action read(ResultSet rs) throws SQLException {
    var interval = rs.getString("schedule_interval");
    var initial = rs.getTimestamp("initial_start");
    var zone = rs.getString("timezone");
    var schedule =
        ActionSchedule.stored(
            interval,
            rs.getString("cron"),
            initial == null ? null : initial.toInstant(),
            rs.getBoolean("fixed_schedule"),
            zone,
            rs.getString("retry_period"),
            rs.getInt("max_retries"));
    var checkSchema = rs.getString("check_schema");
    var next = rs.getTimestamp("next_start");
    return new Action(
        new ActionId(rs.getObject("id", UUID.class)),
        rs.getInt("job_id"),
        new TenantId(rs.getObject("tenant_id", UUID.class)),
        new DatabaseId(rs.getObject("database_id", UUID.class)),
        rs.getString("database_name"),
        rs.getString("job_name"),
        new RoutineName(rs.getString("routine_schema"), rs.getString("routine_name")),
        Routine.Kind.valueOf(rs.getString("routine_kind")),
        new ActionConfig(rs.getString("config")),
        checkSchema == null
            ? Optional.empty()
            : Optional.of(new RoutineName(checkSchema, rs.getString("check_name"))),
        schedule,
        rs.getBoolean("scheduled"),
        Duration.ofSeconds(rs.getLong("max_runtime_seconds")),
        next == null ? Optional.empty() : Optional.of(next.toInstant()),
        rs.getInt("consecutive_failures"),
        Optional.ofNullable(rs.getString("disabled_reason")),
        rs.getInt("version"),
        rs.getTimestamp("created_at").toInstant(),
        rs.getTimestamp("updated_at").toInstant());
  }

  private <T> T inTenant(
      Caller caller,
      TenantId tenant,
      Permission permission,
      String what,
      dev.hourglass.common.Transactions.Work<T> work) {
    return TenantAccess.inTenant(dataSource, caller, tenant, permission, what, work);
  }
}
