package dev.hourglass.timescale.internal;

import dev.hourglass.action.Action;
import dev.hourglass.action.ActionConfig;
import dev.hourglass.action.ActionDraft;
import dev.hourglass.action.ActionId;
import dev.hourglass.action.ActionService;
import dev.hourglass.action.RoutineName;
import dev.hourglass.common.InvalidInputException;
import dev.hourglass.common.UserFacingException;
import dev.hourglass.database.DatabaseConnections;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.schedule.ActionSchedule;
import dev.hourglass.schedule.Interval;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.Permission;
import dev.hourglass.tenant.TenantAccess;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.timescale.NativeJob;
import dev.hourglass.timescale.NativeJobs;
import dev.hourglass.timescale.TimescaleJobs;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Adoption in three steps, each compensated if a later one fails: the action is added unscheduled
 * (so it cannot run while the native job still may), the native job is unscheduled, then the action
 * is scheduled and the adoption recorded. Hand back: the native job gets the action's settings and
 * is scheduled again, then the action is archived. Decision 0016.
 */
@ApplicationScoped
public class JdbcTimescaleJobs implements TimescaleJobs {

  private static final Logger LOG = Logger.getLogger(JdbcTimescaleJobs.class.getName());
  private static final Pattern DEFAULT_NAME = Pattern.compile("User-Defined Action \\[\\d+\\]");

  private DataSource controlPlane;
  private DatabaseConnections targets;
  private ActionService actions;
  private Clock clock;

  /** For CDI's client proxy only. */
  protected JdbcTimescaleJobs() {}

  @Inject
  public JdbcTimescaleJobs(
      DataSource controlPlane, DatabaseConnections targets, ActionService actions, Clock clock) {
    this.controlPlane = controlPlane;
    this.targets = targets;
    this.actions = actions;
    this.clock = clock;
  }

  @Override
  public NativeJobs list(Caller caller, TenantId tenant, DatabaseId database) {
    var adoptions = adoptions(caller, tenant, database, Permission.VIEW);
    return Targets.on(
        targets,
        tenant,
        database,
        "read TimescaleDB's jobs",
        c -> NativeCatalog.read(c, adoptions));
  }

  @Override
  public Action adopt(
      Caller caller,
      TenantId tenant,
      DatabaseId database,
      int nativeJobId,
      boolean unscheduleConfirmed) {
    if (!unscheduleConfirmed) {
      throw new InvalidInputException(
          "confirm",
          "Adopting unschedules job "
              + nativeJobId
              + " in TimescaleDB, so that only Hourglass runs it. Confirm that to go on.");
    }
    var adoptions = adoptions(caller, tenant, database, Permission.EDIT_ACTIONS);
    var job = find(tenant, database, nativeJobId, adoptions);
    if (job.kind() != NativeJob.Kind.USER_DEFINED) {
      throw new InvalidInputException(
          "job",
          "Job "
              + nativeJobId
              + " is a "
              + job.kind().label().toLowerCase(java.util.Locale.ROOT)
              + "; policies stay with TimescaleDB and are shown read-only.");
    }
    if (job.adoptedAs().isPresent()) {
      throw new InvalidInputException(
          "job", "Job " + nativeJobId + " is already adopted; its action runs it in Hourglass.");
    }
    var draft = draft(job, database, false);
    var added = actions.add(caller, tenant, draft);
    try {
      setScheduled(tenant, database, nativeJobId, false, Optional.empty(), job.timezone());
    } catch (RuntimeException e) {
      undoAdd(caller, tenant, added);
      throw new UserFacingException(
          "Could not unschedule job "
              + nativeJobId
              + " in TimescaleDB: "
              + e.getMessage()
              + " Nothing was adopted: the new action was removed again, and the job runs in"
              + " TimescaleDB as before.");
    }
    try {
      record(caller, tenant, database, added.id(), nativeJobId);
      Action result = added;
      if (job.scheduled()) {
        var scheduled = draft(job, database, true);
        result = actions.alter(caller, tenant, added.id(), scheduled, false, added.version());
        if (job.paused()) {
          result = actions.pause(caller, tenant, added.id());
        }
      }
      return result;
    } catch (RuntimeException e) {
      try {
        if (job.scheduled()) {
          setScheduled(
              tenant,
              database,
              nativeJobId,
              true,
              job.paused() ? Optional.of("infinity") : job.nextStart().map(Instant::toString),
              job.timezone());
        }
      } catch (RuntimeException again) {
        LOG.warning(
            "Job "
                + nativeJobId
                + " could not be scheduled again in TimescaleDB after a failed adoption: "
                + again.getMessage());
        throw new UserFacingException(
            "Adopting job "
                + nativeJobId
                + " failed ("
                + e.getMessage()
                + "), and scheduling it again in TimescaleDB failed too ("
                + again.getMessage()
                + "). The new action was left unscheduled; schedule the native job again with"
                + " alter_job("
                + nativeJobId
                + ", scheduled => true), then delete the action.");
      }
      forget(caller, tenant, added.id());
      undoAdd(caller, tenant, added);
      throw new UserFacingException(
          "Could not adopt job "
              + nativeJobId
              + ": "
              + e.getMessage()
              + " Nothing was adopted: the job was scheduled again in TimescaleDB and the new"
              + " action removed.");
    }
  }

  @Override
  public void handBack(
      Caller caller, TenantId tenant, ActionId actionId, boolean rescheduleConfirmed) {
    if (!rescheduleConfirmed) {
      throw new InvalidInputException(
          "confirm",
          "Handing back schedules the job in TimescaleDB again and deletes this action (its run"
              + " history is kept). Confirm that to go on.");
    }
    var action = actions.get(caller, tenant, actionId);
    var adoptions = adoptions(caller, tenant, action.database(), Permission.EDIT_ACTIONS);
    Integer nativeJobId =
        adoptions.entrySet().stream()
            .filter(e -> e.getValue().equals(actionId))
            .map(Map.Entry::getKey)
            .findFirst()
            .orElseThrow(
                () ->
                    new InvalidInputException(
                        "action",
                        "This action was not adopted from TimescaleDB, so there is no native job"
                            + " to hand it back to."));
    if (!(action.schedule().recurrence() instanceof Interval interval)) {
      throw new InvalidInputException(
          "schedule",
          "This action runs on a cron schedule, which TimescaleDB does not have. Give it an"
              + " interval schedule first, then hand it back.");
    }
    var job = find(tenant, action.database(), nativeJobId, adoptions);
    var schedule = action.schedule();
    Targets.on(
        targets,
        tenant,
        action.database(),
        "schedule the job again in TimescaleDB",
        c -> {
          var api = NativeCatalog.apiSchema(c);
          try (var ps =
              c.prepareStatement(
                  "select 1 from "
                      + api
                      + ".alter_job(?, schedule_interval => ?::interval,"
                      + " max_runtime => make_interval(secs => ?), max_retries => ?,"
                      + " retry_period => ?::interval, scheduled => ?, config => ?::jsonb,"
                      + " next_start => ?::timestamptz, check_config => ?::regproc,"
                      + " fixed_schedule => ?, initial_start => ?, timezone => ?)")) {
            int i = 1;
            ps.setInt(i++, nativeJobId);
            ps.setString(i++, interval.toString());
            ps.setLong(i++, action.maxRuntime().toSeconds());
            ps.setInt(i++, schedule.maxRetries().value());
            ps.setString(i++, schedule.retryPeriod().toString());
            ps.setBoolean(i++, action.scheduled());
            ps.setString(i++, action.config().json());
            ps.setString(
                i++,
                action.scheduled()
                    ? action.nextStart().map(Instant::toString).orElse("infinity")
                    : null);
            ps.setString(i++, action.checkConfig().map(RoutineName::sql).orElse(null));
            ps.setBoolean(i++, schedule.fixedSchedule());
            ps.setTimestamp(
                i++,
                schedule.initialStart() == null ? null : Timestamp.from(schedule.initialStart()));
            ps.setString(i++, schedule.timezone() == null ? null : schedule.timezone().getId());
            ps.execute();
          } catch (SQLException e) {
            throw new UserFacingException(
                "TimescaleDB refused to take job "
                    + nativeJobId
                    + " back ("
                    + Targets.message(e)
                    + "). Nothing was changed: the action keeps running in Hourglass.");
          }
          return null;
        });
    try {
      actions.delete(caller, tenant, actionId);
    } catch (RuntimeException e) {
      setScheduled(
          tenant,
          action.database(),
          nativeJobId,
          false,
          Optional.empty(),
          Optional.ofNullable(schedule.timezone()).map(java.time.ZoneId::getId));
      throw new UserFacingException(
          "Could not delete the action ("
              + e.getMessage()
              + "). Job "
              + job.jobId()
              + " was unscheduled in TimescaleDB again, so the action keeps running in Hourglass.");
    }
    forget(caller, tenant, actionId);
  }

  // --- helpers ---------------------------------------------------------------------------------

  /** The action the native job becomes; unscheduled until the native job has stopped. */
  ActionDraft draft(NativeJob job, DatabaseId database, boolean scheduled) {
    try {
      var builder =
          ActionSchedule.every(Interval.parse("schedule_interval", job.scheduleInterval()))
              .fixedSchedule(job.fixedSchedule())
              .retryPeriod(Interval.parse("retry_period", job.retryPeriod()))
              .maxRetries(job.maxRetries());
      job.initialStart().ifPresent(builder::initialStart);
      job.timezone().ifPresent(builder::timezone);
      return new ActionDraft(
          database,
          name(job),
          new RoutineName(job.procSchema(), job.procName()),
          new ActionConfig(job.config().orElse(null)),
          job.checkConfig().map(RoutineName::parse),
          builder.build(clock.instant()),
          scheduled,
          duration(job.maxRuntime()),
          scheduled && !job.paused() ? job.nextStart() : Optional.empty());
    } catch (InvalidInputException e) {
      throw new InvalidInputException(
          e.field(), "Job " + job.jobId() + " cannot be adopted as it is: " + e.getMessage());
    }
  }

  private static String name(NativeJob job) {
    var name = job.name().strip();
    if (name.isEmpty() || DEFAULT_NAME.matcher(name).matches()) {
      name = job.procName() + " (TimescaleDB job " + job.jobId() + ")";
    }
    return name.length() > 128 ? name.substring(0, 128) : name;
  }

  /** max_runtime as TimescaleDB stores it (an interval without months), as a duration. */
  private static Duration duration(String text) {
    if (text == null || text.isBlank() || text.matches("0+|0+:00:00|00:00:00")) {
      return Duration.ZERO;
    }
    var interval = Interval.parse("max_runtime", text);
    return Duration.ofDays(interval.months() * 30L + interval.days())
        .plusNanos(interval.micros() * 1000);
  }

  private NativeJob find(
      TenantId tenant, DatabaseId database, int jobId, Map<Integer, ActionId> adoptions) {
    var jobs =
        Targets.on(
            targets,
            tenant,
            database,
            "read TimescaleDB's jobs",
            c -> NativeCatalog.read(c, adoptions));
    if (jobs.timescaledbVersion().isEmpty()) {
      throw new UserFacingException("TimescaleDB is not installed in this database.");
    }
    return jobs.jobs().stream()
        .filter(j -> j.jobId() == jobId)
        .findFirst()
        .orElseThrow(
            () ->
                new InvalidInputException(
                    "job",
                    "There is no job "
                        + jobId
                        + " in this database's TimescaleDB (any more); reload the list."));
  }

  private void setScheduled(
      TenantId tenant,
      DatabaseId database,
      int jobId,
      boolean scheduled,
      Optional<String> nextStart,
      Optional<String> timezone) {
    Targets.on(
        targets,
        tenant,
        database,
        scheduled ? "schedule the job in TimescaleDB" : "unschedule the job in TimescaleDB",
        c -> {
          var api = NativeCatalog.apiSchema(c);
          try (var ps =
              c.prepareStatement(
                  "select 1 from "
                      + api
                      + ".alter_job(?, scheduled => ?, next_start => ?::timestamptz,"
                      + " timezone => ?)")) {
            // TimescaleDB 2.23's alter_job clears the time zone when none is passed: pass it on.
            ps.setInt(1, jobId);
            ps.setBoolean(2, scheduled);
            ps.setString(3, nextStart.orElse(null));
            ps.setString(4, timezone.orElse(null));
            ps.execute();
          } catch (SQLException e) {
            throw new UserFacingException("TimescaleDB refused (" + Targets.message(e) + ").");
          }
          return null;
        });
  }

  private void undoAdd(Caller caller, TenantId tenant, Action added) {
    try {
      actions.delete(caller, tenant, added.id());
    } catch (RuntimeException e) {
      LOG.warning("An action added for a failed adoption could not be removed: " + e.getMessage());
      throw new UserFacingException(
          "Adoption failed, and the action '"
              + added.jobName()
              + "' created for it could not be removed ("
              + e.getMessage()
              + "). It is unscheduled; delete it by hand.");
    }
  }

  private Map<Integer, ActionId> adoptions(
      Caller caller, TenantId tenant, DatabaseId database, Permission permission) {
    return TenantAccess.inTenant(
        controlPlane,
        caller,
        tenant,
        permission,
        "read the adopted jobs",
        c -> {
          requireDatabase(c, tenant, database);
          var result = new HashMap<Integer, ActionId>();
          try (var ps =
              c.prepareStatement(
                  "select t.native_job_id, t.action_id from timescale_adoption t"
                      + " join action a on a.id = t.action_id and a.archived_at is null"
                      + " where t.tenant_id = ? and t.database_id = ?")) {
            ps.setObject(1, tenant.value());
            ps.setObject(2, database.value());
            try (var rs = ps.executeQuery()) {
              while (rs.next()) {
                result.put(rs.getInt(1), new ActionId(rs.getObject(2, UUID.class)));
              }
            }
          }
          return result;
        });
  }

  private static void requireDatabase(java.sql.Connection c, TenantId tenant, DatabaseId database)
      throws SQLException {
    try (var ps =
        c.prepareStatement(
            "select 1 from target_database where tenant_id = ? and id = ? and archived_at is null")) {
      ps.setObject(1, tenant.value());
      ps.setObject(2, database.value());
      try (var rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new dev.hourglass.common.AccessDeniedException(
              "There is no such database in this team. It may have been removed.");
        }
      }
    }
  }

  private void record(
      Caller caller, TenantId tenant, DatabaseId database, ActionId action, int nativeJobId) {
    TenantAccess.inTenant(
        controlPlane,
        caller,
        tenant,
        Permission.EDIT_ACTIONS,
        "record the adoption",
        c -> {
          // An adoption whose action was deleted meanwhile no longer counts.
          try (var ps =
              c.prepareStatement(
                  "delete from timescale_adoption t where t.tenant_id = ? and t.database_id = ?"
                      + " and t.native_job_id = ? and exists (select 1 from action a"
                      + " where a.id = t.action_id and a.archived_at is not null)")) {
            ps.setObject(1, tenant.value());
            ps.setObject(2, database.value());
            ps.setInt(3, nativeJobId);
            ps.executeUpdate();
          }
          try (var ps =
              c.prepareStatement(
                  "insert into timescale_adoption (action_id, tenant_id, database_id,"
                      + " native_job_id, adopted_at, adopted_by) values (?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, action.value());
            ps.setObject(2, tenant.value());
            ps.setObject(3, database.value());
            ps.setInt(4, nativeJobId);
            ps.setTimestamp(5, Timestamp.from(clock.instant()));
            ps.setString(6, caller.subject());
            ps.executeUpdate();
          } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
              throw new InvalidInputException(
                  "job", "Job " + nativeJobId + " was adopted by someone else just now.");
            }
            throw e;
          }
          return null;
        });
  }

  private void forget(Caller caller, TenantId tenant, ActionId action) {
    TenantAccess.inTenant(
        controlPlane,
        caller,
        tenant,
        Permission.EDIT_ACTIONS,
        "forget the adoption",
        c -> {
          try (var ps =
              c.prepareStatement(
                  "delete from timescale_adoption where tenant_id = ? and action_id = ?")) {
            ps.setObject(1, tenant.value());
            ps.setObject(2, action.value());
            ps.executeUpdate();
          }
          return null;
        });
  }
}
