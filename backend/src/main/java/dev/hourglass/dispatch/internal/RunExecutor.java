package dev.hourglass.dispatch.internal;

import dev.hourglass.action.Notice;
import dev.hourglass.action.Routine;
import dev.hourglass.common.UserFacingException;
import dev.hourglass.database.DatabaseConnections;
import dev.hourglass.dispatch.RunStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLWarning;
import org.postgresql.util.ServerErrorMessage;

/**
 * Makes one run's call on the tenant's database, with the database's own credentials from its pool:
 * {@code CALL proc(job_id, config)} or {@code SELECT fn(job_id, config)}, max_runtime as
 * statement_timeout (PostgreSQL cancels the call when it is up), the session's application_name
 * naming the run and the action, and the first {@link #MAX_NOTICES} notices kept.
 */
final class RunExecutor implements AutoCloseable {

  /** Notices kept per run; further ones are counted, not kept. */
  static final int MAX_NOTICES = 100;

  /** SQLSTATE query_canceled, which statement_timeout raises. */
  static final String CANCELED = "57014";

  /** How long past max_runtime the driver itself cancels, should the server not. */
  private static final int DRIVER_GRACE_SECONDS = 5;

  private final DatabaseConnections targets;
  private final Clock clock;
  private final Map<Statement, NoticeBucket> watched = new ConcurrentHashMap<>();
  private final ScheduledExecutorService sweeper;

  RunExecutor(DatabaseConnections targets, Clock clock) {
    this.targets = targets;
    this.clock = clock;
    this.sweeper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              var t = new Thread(r, "hourglass-run-notices");
              t.setDaemon(true);
              return t;
            });
    // One thread for all runs keeps the driver's notice chains short while calls are going.
    sweeper.scheduleWithFixedDelay(
        () -> watched.values().forEach(NoticeBucket::drain), 250, 250, TimeUnit.MILLISECONDS);
  }

  RunOutcome execute(ClaimedRun run) {
    Instant started = null;
    try (var c = targets.open(run.tenant(), run.database())) {
      try {
        prepareSession(c, run);
        try (var ps = c.prepareStatement(call(run))) {
          ps.setInt(1, run.jobId());
          if (run.config() == null) {
            ps.setNull(2, Types.OTHER);
          } else {
            ps.setString(2, run.config());
          }
          if (!run.maxRuntime().isZero()) {
            ps.setQueryTimeout(
                (int)
                    Math.min(
                        Integer.MAX_VALUE, run.maxRuntime().toSeconds() + DRIVER_GRACE_SECONDS));
          }
          var bucket = new NoticeBucket(ps);
          watched.put(ps, bucket);
          try {
            // Connected and prepared ahead; the call itself goes at the slot, never before.
            waitFor(run.scheduledFor());
            started = clock.instant();
            ps.execute();
            return RunOutcome.succeeded(run, started, clock.instant(), bucket.finish());
          } catch (SQLException e) {
            return failed(run, started, e, bucket.finish());
          } finally {
            watched.remove(ps);
          }
        }
      } finally {
        resetSession(c);
      }
    } catch (SQLException e) {
      // Not reached, or the session could not be prepared: the call was never made.
      return failed(run, started, e, List.of());
    } catch (UserFacingException e) {
      return RunOutcome.failed(run, started, clock.instant(), e.getMessage());
    }
  }

  private void waitFor(Instant slot) {
    long nanos;
    while ((nanos = Duration.between(clock.instant(), slot).toNanos()) > 0) {
      java.util.concurrent.locks.LockSupport.parkNanos(nanos);
    }
  }

  static String call(ClaimedRun run) {
    return run.kind() == Routine.Kind.PROCEDURE
        ? "call " + run.routine().sql() + "(?, ?::jsonb)"
        // Counted on the server, so a set-returning function never fills this JVM.
        : "select count(*) from (select " + run.routine().sql() + "(?, ?::jsonb)) as result";
  }

  /** {@code hourglass run 42 job 1000}: what pg_stat_activity shows for the run's session. */
  static String applicationName(ClaimedRun run) {
    return "hourglass run " + run.id() + " job " + run.jobId();
  }

  private static void prepareSession(Connection c, ClaimedRun run) throws SQLException {
    try (var ps =
        c.prepareStatement(
            "select set_config('application_name', ?, false),"
                + " set_config('statement_timeout', ?, false)")) {
      ps.setString(1, applicationName(run));
      ps.setString(2, Long.toString(Math.max(0, run.maxRuntime().toMillis())));
      ps.execute();
    }
  }

  /** Whatever the action set in the session must not reach the next run on this connection. */
  private static void resetSession(Connection c) {
    try (var reset = c.createStatement()) {
      if (!c.getAutoCommit()) {
        c.rollback();
        c.setAutoCommit(true);
      }
      reset.execute("discard all");
    } catch (SQLException ignored) {
      // A broken connection is replaced by the pool.
    }
  }

  private RunOutcome failed(ClaimedRun run, Instant started, SQLException e, List<Notice> notices) {
    ServerErrorMessage m = e instanceof PSQLException p ? p.getServerErrorMessage() : null;
    var state = m != null ? m.getSQLState() : e.getSQLState();
    var message = m != null ? m.getMessage() : e.getMessage();
    var status = RunStatus.FAILED;
    if (started != null && CANCELED.equals(state) && !run.maxRuntime().isZero()) {
      status = RunStatus.TIMED_OUT;
      message = "Stopped at max_runtime (" + run.maxRuntime().toSeconds() + " s" + "): " + message;
    } else if (started == null) {
      message = "The database could not be reached: " + message;
    }
    return new RunOutcome(
        run,
        status,
        started,
        clock.instant(),
        state,
        message,
        m == null ? null : m.getDetail(),
        m == null ? null : m.getHint(),
        notices);
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
  }

  /**
   * The notices of one call: the driver appends them to the statement's warning chain; this keeps
   * the first {@link #MAX_NOTICES} and, once that many are kept, clears the chain at each sweep so
   * an action raising millions of notices cannot fill the JVM.
   */
  private static final class NoticeBucket {
    private final Statement statement;
    private final List<Notice> kept = new ArrayList<>();
    private int seenInChain;
    private long dropped;

    NoticeBucket(Statement statement) {
      this.statement = statement;
    }

    synchronized void drain() {
      try {
        int i = 0;
        for (SQLWarning w = statement.getWarnings(); w != null; w = w.getNextWarning(), i++) {
          if (i < seenInChain) {
            continue;
          }
          if (kept.size() < MAX_NOTICES) {
            kept.add(notice(w));
          } else {
            dropped++;
          }
        }
        seenInChain = i;
        if (kept.size() >= MAX_NOTICES) {
          statement.clearWarnings();
          seenInChain = 0;
        }
      } catch (SQLException | RuntimeException e) {
        // A closed statement: what was kept is the result.
      }
    }

    synchronized List<Notice> finish() {
      drain();
      var result = new ArrayList<>(kept);
      if (dropped > 0) {
        result.add(new Notice("HOURGLASS", dropped + " more notices were not kept."));
      }
      return List.copyOf(result);
    }

    private static Notice notice(SQLWarning w) {
      if (w instanceof PSQLWarning pw && pw.getServerErrorMessage() != null) {
        var m = pw.getServerErrorMessage();
        return new Notice(m.getSeverity(), m.getMessage());
      }
      return new Notice("NOTICE", w.getMessage());
    }
  }
}
