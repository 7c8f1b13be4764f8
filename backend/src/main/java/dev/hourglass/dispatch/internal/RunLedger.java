package dev.hourglass.dispatch.internal;

import static dev.hourglass.common.Transactions.inTransaction;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hourglass.action.ActionId;
import dev.hourglass.action.Notice;
import dev.hourglass.action.Routine;
import dev.hourglass.action.RoutineName;
import dev.hourglass.common.Transactions;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.dispatch.RecordedOutcome;
import dev.hourglass.dispatch.RunOutcomeObserver;
import dev.hourglass.dispatch.RunStatus;
import dev.hourglass.schedule.ActionSchedule;
import dev.hourglass.schedule.NextStartCalculator;
import dev.hourglass.schedule.NextStep;
import dev.hourglass.tenant.TenantId;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The dispatcher's reads and writes on the control plane: nodes and their heartbeats, claims,
 * outcomes with the next start they lead to, hand-backs and crashes. Claims and orphan lookups go
 * through two owner functions (migration V5) because they look across tenants; everything else is
 * done in the run's tenant scope, under row-level security.
 */
final class RunLedger {

  static final String SYSTEM = "system:dispatch";
  private static final Logger LOG = Logger.getLogger(RunLedger.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DataSource dataSource;
  private final Clock clock;
  private final NextStartCalculator calculator;
  private final Duration crashWait;
  private final RunOutcomeObserver observer;

  RunLedger(
      DataSource dataSource, Clock clock, NextStartCalculator calculator, Duration crashWait) {
    this(dataSource, clock, calculator, crashWait, RunOutcomeObserver.NONE);
  }

  RunLedger(
      DataSource dataSource,
      Clock clock,
      NextStartCalculator calculator,
      Duration crashWait,
      RunOutcomeObserver observer) {
    this.dataSource = dataSource;
    this.clock = clock;
    this.calculator = calculator;
    this.crashWait = crashWait;
    this.observer = observer;
  }

  // --- nodes ------------------------------------------------------------------------------------

  void register(String node, String host) {
    inTransaction(
        dataSource,
        SYSTEM,
        null,
        "register this node",
        c -> {
          try (var ps =
              c.prepareStatement(
                  "insert into hourglass_node (id, host, started_at, heartbeat_at)"
                      + " values (?, ?, now(), now())")) {
            ps.setString(1, node);
            ps.setString(2, host);
            ps.executeUpdate();
          }
          return null;
        });
  }

  /** Beats on the database's clock, so nodes with skewed clocks judge each other fairly. */
  void heartbeat(String node) {
    inTransaction(
        dataSource,
        SYSTEM,
        null,
        "record this node's heartbeat",
        c -> {
          try (var ps =
              c.prepareStatement(
                  "update hourglass_node set heartbeat_at = now() where id = ?"
                      + " and stopped_at is null")) {
            ps.setString(1, node);
            ps.executeUpdate();
          }
          return null;
        });
  }

  void stopped(String node) {
    inTransaction(
        dataSource,
        SYSTEM,
        null,
        "record that this node stopped",
        c -> {
          try (var ps =
              c.prepareStatement("update hourglass_node set stopped_at = now() where id = ?")) {
            ps.setString(1, node);
            ps.executeUpdate();
          }
          return null;
        });
  }

  // --- claims -----------------------------------------------------------------------------------

  List<ClaimedRun> claim(String node, Instant until, int limit, int tenantQueue) {
    return inTransaction(
        dataSource,
        SYSTEM,
        null,
        "claim the due runs",
        c -> {
          try (var ps = c.prepareStatement("select * from hourglass_claim_runs(?, ?, ?, ?, ?)")) {
            ps.setString(1, node);
            ps.setTimestamp(2, Timestamp.from(clock.instant()));
            ps.setTimestamp(3, Timestamp.from(until));
            ps.setInt(4, limit);
            ps.setInt(5, tenantQueue);
            var result = new ArrayList<ClaimedRun>();
            try (var rs = ps.executeQuery()) {
              while (rs.next()) {
                result.add(
                    new ClaimedRun(
                        rs.getLong(1),
                        new TenantId(rs.getObject(2, UUID.class)),
                        new ActionId(rs.getObject(3, UUID.class)),
                        new DatabaseId(rs.getObject(4, UUID.class)),
                        rs.getInt(5),
                        rs.getTimestamp(6).toInstant(),
                        rs.getInt(7),
                        new RoutineName(rs.getString(8), rs.getString(9)),
                        Routine.Kind.valueOf(rs.getString(10)),
                        rs.getString(11),
                        Duration.ofMillis(rs.getLong(12))));
              }
            }
            return result;
          }
        });
  }

  // --- outcomes ---------------------------------------------------------------------------------

  /** The action as the outcome's transaction finds it, locked. */
  private record ActionRow(
      UUID id,
      DatabaseId database,
      ActionSchedule schedule,
      boolean scheduled,
      boolean archived,
      Optional<Instant> nextStart,
      Long currentRun,
      int consecutiveFailures,
      int consecutiveCrashes) {}

  /**
   * Records outcomes, each with the next start it leads to (TimescaleDB's rules), in one
   * transaction per tenant.
   */
  void record(Collection<RunOutcome> outcomes) {
    var byTenant = new LinkedHashMap<TenantId, List<RunOutcome>>();
    outcomes.forEach(
        o -> byTenant.computeIfAbsent(o.run().tenant(), t -> new ArrayList<>()).add(o));
    try (var c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        for (var entry : byTenant.entrySet()) {
          Transactions.setScope(c, SYSTEM, entry.getKey().value());
          recordForTenant(c, entry.getKey(), entry.getValue());
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Could not record "
              + outcomes.size()
              + " run outcomes (SQLSTATE "
              + e.getSQLState()
              + ")",
          e);
    }
  }

  private void recordForTenant(Connection c, TenantId tenant, List<RunOutcome> outcomes)
      throws SQLException {
    var actions = lockActions(c, tenant, outcomes.stream().map(o -> o.run().action()).toList());
    var observed = new ArrayList<RecordedOutcome>();
    try (var runUpdate =
            c.prepareStatement(
                """
                update action_run set status = ?, started_at = ?, finished_at = ?, sqlstate = ?,
                       message = ?, detail = ?, hint = ?, notices = ?::jsonb
                 where tenant_id = ? and id = ? and status = 'CLAIMED'
                """);
        var actionUpdate =
            c.prepareStatement(
                """
                update action set current_run = null, next_start = ?, scheduled = ?,
                       disabled_reason = ?, consecutive_failures = ?, consecutive_crashes = 0,
                       total_runs = total_runs + 1,
                       total_successes = total_successes + ?, total_failures = total_failures + ?,
                       last_run_started_at = ?, last_finish = ?,
                       last_successful_finish = coalesce(?, last_successful_finish),
                       last_run_status = ?, last_run_duration_us = ?
                 where tenant_id = ? and id = ? and current_run = ?
                """)) {
      for (var o : outcomes) {
        var run = o.run();
        int i = 1;
        runUpdate.setString(i++, o.status().name());
        runUpdate.setTimestamp(i++, timestamp(o.startedAt()));
        runUpdate.setTimestamp(i++, timestamp(o.finishedAt()));
        runUpdate.setString(i++, o.sqlState());
        runUpdate.setString(i++, o.message());
        runUpdate.setString(i++, o.detail());
        runUpdate.setString(i++, o.hint());
        runUpdate.setString(i++, o.notices().isEmpty() ? null : json(o.notices()));
        runUpdate.setObject(i++, tenant.value());
        runUpdate.setLong(i++, run.id());
        runUpdate.addBatch();

        var a = actions.get(run.action().value());
        if (a == null || a.currentRun() == null || a.currentRun().longValue() != run.id()) {
          // The crash sweep settled this run already (this node was taken for dead).
          continue;
        }
        boolean success = o.status() == RunStatus.SUCCEEDED;
        int failures = success ? 0 : a.consecutiveFailures() + 1;
        var next = a.nextStart();
        boolean scheduled = a.scheduled();
        String disabled = null;
        if (followsSchedule(a, run)) {
          var step =
              success
                  ? calculator.afterSuccess(a.schedule(), o.finishedAt())
                  : calculator.afterFailure(a.schedule(), o.finishedAt(), failures);
          if (step instanceof NextStep.Disable d) {
            scheduled = false;
            next = Optional.empty();
            disabled = d.reason();
          } else {
            next = NextStartCalculator.startTime(step, o.finishedAt());
          }
        }
        i = 1;
        actionUpdate.setTimestamp(i++, next.map(Timestamp::from).orElse(null));
        actionUpdate.setBoolean(i++, scheduled);
        actionUpdate.setString(i++, disabled);
        actionUpdate.setInt(i++, failures);
        actionUpdate.setInt(i++, success ? 1 : 0);
        actionUpdate.setInt(i++, success ? 0 : 1);
        actionUpdate.setTimestamp(i++, timestamp(o.startedAt()));
        actionUpdate.setTimestamp(i++, timestamp(o.finishedAt()));
        actionUpdate.setTimestamp(i++, success ? timestamp(o.finishedAt()) : null);
        actionUpdate.setString(i++, o.status().name());
        if (o.startedAt() == null) {
          actionUpdate.setNull(i++, java.sql.Types.BIGINT);
        } else {
          actionUpdate.setLong(
              i++, Duration.between(o.startedAt(), o.finishedAt()).toNanos() / 1000);
        }
        actionUpdate.setObject(i++, tenant.value());
        actionUpdate.setObject(i++, run.action().value());
        actionUpdate.setLong(i++, run.id());
        actionUpdate.addBatch();
        observed.add(
            new RecordedOutcome(
                tenant,
                run.action(),
                run.database(),
                run.id(),
                o.status(),
                run.scheduledFor(),
                run.attempt(),
                o.finishedAt(),
                o.sqlState(),
                o.message(),
                o.detail(),
                o.hint(),
                failures,
                next,
                Optional.ofNullable(disabled)));
      }
      runUpdate.executeBatch();
      actionUpdate.executeBatch();
    }
    observe(c, tenant, observed);
  }

  /**
   * Tells the observer (alerts) of the recorded outcomes in this transaction, under a savepoint: a
   * failing observer loses only its own writes, and the outcomes are recorded all the same.
   */
  private void observe(Connection c, TenantId tenant, List<RecordedOutcome> recorded)
      throws SQLException {
    if (recorded.isEmpty() || observer == RunOutcomeObserver.NONE) {
      return;
    }
    var savepoint = c.setSavepoint();
    try {
      observer.recordedAll(c, recorded);
      c.releaseSavepoint(savepoint);
    } catch (SQLException | RuntimeException e) {
      c.rollback(savepoint);
      LOG.log(
          Level.WARNING,
          "Observing "
              + recorded.size()
              + " outcomes of tenant "
              + tenant
              + " failed; recorded anyway",
          e);
    }
  }

  /**
   * Whether the run's outcome plans the next start: not when the action was deleted, paused or
   * unscheduled meanwhile, nor when someone set its next start by hand while it ran.
   */
  private static boolean followsSchedule(ActionRow a, ClaimedRun run) {
    return !a.archived()
        && a.scheduled()
        && a.nextStart().isPresent()
        && a.nextStart().get().equals(run.scheduledFor());
  }

  private static Map<UUID, ActionRow> lockActions(Connection c, TenantId tenant, List<ActionId> ids)
      throws SQLException {
    var result = new HashMap<UUID, ActionRow>();
    try (var ps =
        c.prepareStatement(
            """
            select id, schedule_interval::text, cron, initial_start, fixed_schedule, timezone,
                   retry_period::text, max_retries, scheduled, archived_at is not null, next_start,
                   current_run, consecutive_failures, consecutive_crashes, database_id
              from action where tenant_id = ? and id = any(?)
             order by id
               for update
            """)) {
      ps.setObject(1, tenant.value());
      ps.setArray(2, c.createArrayOf("uuid", ids.stream().map(ActionId::value).toArray()));
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          var initial = rs.getTimestamp(4);
          var next = rs.getTimestamp(11);
          var current = rs.getObject(12, Long.class);
          result.put(
              rs.getObject(1, UUID.class),
              new ActionRow(
                  rs.getObject(1, UUID.class),
                  new DatabaseId(rs.getObject(15, UUID.class)),
                  ActionSchedule.stored(
                      rs.getString(2),
                      rs.getString(3),
                      initial == null ? null : initial.toInstant(),
                      rs.getBoolean(5),
                      rs.getString(6),
                      rs.getString(7),
                      rs.getInt(8)),
                  rs.getBoolean(9),
                  rs.getBoolean(10),
                  next == null ? Optional.empty() : Optional.of(next.toInstant()),
                  current,
                  rs.getInt(13),
                  rs.getInt(14)));
        }
      }
    }
    return result;
  }

  // --- hand-backs and crashes
  // ---------------------------------------------------------------------

  /** Gives back claimed runs this node never started: their slots are claimed again. */
  void release(Collection<ClaimedRun> runs) {
    var byTenant = new LinkedHashMap<TenantId, List<Long>>();
    runs.forEach(r -> byTenant.computeIfAbsent(r.tenant(), t -> new ArrayList<>()).add(r.id()));
    byTenant.forEach(
        (tenant, ids) ->
            inTransaction(
                dataSource,
                SYSTEM,
                tenant.value(),
                "hand back runs not started",
                c -> {
                  for (var id : ids) {
                    releaseOne(c, tenant, id);
                  }
                  return null;
                }));
  }

  private static void releaseOne(Connection c, TenantId tenant, long runId) throws SQLException {
    try (var clear =
            c.prepareStatement(
                "update action set current_run = null where tenant_id = ? and current_run = ?");
        var delete =
            c.prepareStatement(
                "delete from action_run where tenant_id = ? and id = ? and status = 'CLAIMED'")) {
      clear.setObject(1, tenant.value());
      clear.setLong(2, runId);
      clear.executeUpdate();
      delete.setObject(1, tenant.value());
      delete.setLong(2, runId);
      delete.executeUpdate();
    }
  }

  /** An unfinished run of a node that stopped beating. */
  record Orphan(long runId, TenantId tenant, String node, Instant scheduledFor, Instant lastBeat) {}

  List<Orphan> orphans(Duration nodeTimeout) {
    return inTransaction(
        dataSource,
        SYSTEM,
        null,
        "find the runs of dead nodes",
        c -> {
          try (var ps =
              c.prepareStatement(
                  "select * from hourglass_orphaned_runs(now() - make_interval(secs => ?))")) {
            ps.setDouble(1, nodeTimeout.toMillis() / 1000.0);
            var result = new ArrayList<Orphan>();
            try (var rs = ps.executeQuery()) {
              while (rs.next()) {
                var beat = rs.getTimestamp(5);
                result.add(
                    new Orphan(
                        rs.getLong(1),
                        new TenantId(rs.getObject(2, UUID.class)),
                        rs.getString(3),
                        rs.getTimestamp(4).toInstant(),
                        beat == null ? Instant.EPOCH : beat.toInstant()));
              }
            }
            return result;
          }
        });
  }

  /**
   * Settles an orphan: a run whose slot came after the node's last sign of life plus {@code margin}
   * cannot have started and is handed back; any other may have started, so it is marked crashed
   * (never run twice) and the action planned by TimescaleDB's crash rule.
   *
   * @return true when it was marked crashed
   */
  boolean settle(Orphan orphan, Duration margin) {
    return inTransaction(
        dataSource,
        SYSTEM,
        orphan.tenant().value(),
        "settle a run of a dead node",
        c -> {
          if (orphan.scheduledFor().isAfter(orphan.lastBeat().plus(margin))) {
            releaseOne(c, orphan.tenant(), orphan.runId());
            return false;
          }
          return crash(c, orphan);
        });
  }

  private boolean crash(Connection c, Orphan orphan) throws SQLException {
    var now = clock.instant();
    try (var ps =
        c.prepareStatement(
            """
            update action_run set status = 'CRASHED', finished_at = ?, message = ?
             where tenant_id = ? and id = ? and status = 'CLAIMED'
            returning action_id, scheduled_for
            """)) {
      ps.setTimestamp(1, Timestamp.from(now));
      ps.setString(
          2,
          "Node "
              + orphan.node()
              + " stopped answering (last heartbeat "
              + orphan.lastBeat()
              + ") before it recorded how this run ended. It is not run again for this slot.");
      ps.setObject(3, orphan.tenant().value());
      ps.setLong(4, orphan.runId());
      try (var rs = ps.executeQuery()) {
        if (!rs.next()) {
          return false;
        }
        var action = new ActionId(rs.getObject(1, UUID.class));
        var slot = rs.getTimestamp(2).toInstant();
        var a = lockActions(c, orphan.tenant(), List.of(action)).get(action.value());
        if (a == null || a.currentRun() == null || a.currentRun().longValue() != orphan.runId()) {
          return true;
        }
        int crashes = a.consecutiveCrashes() + 1;
        var next = a.nextStart();
        if (!a.archived() && a.scheduled() && next.isPresent() && next.get().equals(slot)) {
          next =
              NextStartCalculator.startTime(
                  calculator.afterCrash(a.schedule(), now, crashes, crashWait), now);
        }
        try (var up =
            c.prepareStatement(
                """
                update action set current_run = null, next_start = ?, consecutive_crashes = ?,
                       total_runs = total_runs + 1, total_crashes = total_crashes + 1,
                       last_run_status = 'CRASHED'
                 where tenant_id = ? and id = ?
                """)) {
          up.setTimestamp(1, next.map(Timestamp::from).orElse(null));
          up.setInt(2, crashes);
          up.setObject(3, orphan.tenant().value());
          up.setObject(4, action.value());
          up.executeUpdate();
        }
        observe(
            c,
            orphan.tenant(),
            List.of(
                new RecordedOutcome(
                    orphan.tenant(),
                    action,
                    a.database(),
                    orphan.runId(),
                    RunStatus.CRASHED,
                    slot,
                    a.consecutiveFailures() + 1,
                    now,
                    null,
                    "The node running it stopped answering; the outcome is unknown.",
                    null,
                    null,
                    a.consecutiveFailures(),
                    next,
                    Optional.empty())));
        return true;
      }
    }
  }

  private static Timestamp timestamp(Instant t) {
    return t == null ? null : Timestamp.from(t);
  }

  static String json(List<Notice> notices) {
    try {
      return JSON.writeValueAsString(notices);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
