package dev.hourglass.action.internal;

import dev.hourglass.action.ActionAuthoring;
import dev.hourglass.action.ActionConfig;
import dev.hourglass.action.ForegroundRun;
import dev.hourglass.action.Notice;
import dev.hourglass.action.Routine;
import dev.hourglass.action.RoutineName;
import dev.hourglass.action.SqlProblem;
import dev.hourglass.common.InvalidInputException;
import dev.hourglass.common.UserFacingException;
import dev.hourglass.database.DatabaseConnections;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.Permission;
import dev.hourglass.tenant.TenantAccess;
import dev.hourglass.tenant.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLWarning;
import org.postgresql.util.ServerErrorMessage;

/**
 * {@link ActionAuthoring} over JDBC: the control plane for the role check, the pools for the rest.
 */
@ApplicationScoped
public class JdbcActionAuthoring implements ActionAuthoring {

  static final int MAX_SQL_CHARS = 200_000;

  private DataSource controlPlane;
  private DatabaseConnections targets;

  /** For CDI's client proxy only. */
  protected JdbcActionAuthoring() {}

  @Inject
  public JdbcActionAuthoring(DataSource controlPlane, DatabaseConnections targets) {
    this.controlPlane = controlPlane;
    this.targets = targets;
  }

  @Override
  public List<Routine> routines(Caller caller, TenantId tenant, DatabaseId database) {
    TenantAccess.require(controlPlane, caller, tenant, Permission.VIEW);
    return onTarget(tenant, database, "read its functions and procedures", TargetCatalog::read);
  }

  @Override
  public List<Routine> createRoutine(
      Caller caller, TenantId tenant, DatabaseId database, String sql) {
    if (sql == null || sql.isBlank()) {
      throw new InvalidInputException("sql", "Write the CREATE PROCEDURE (or FUNCTION) statement.");
    }
    if (sql.length() > MAX_SQL_CHARS) {
      throw new InvalidInputException(
          "sql", "The SQL is " + sql.length() + " characters; at most " + MAX_SQL_CHARS + ".");
    }
    TenantAccess.require(controlPlane, caller, tenant, Permission.EDIT_ACTIONS);
    return onTarget(
        tenant,
        database,
        "create the routine",
        c -> {
          c.setAutoCommit(false);
          try (var st = c.createStatement()) {
            for (var statement : SqlScript.split(sql)) {
              try {
                st.execute(statement.text());
              } catch (SQLException e) {
                throw problem(e, sql, statement.offset());
              }
            }
            c.commit();
          } catch (RuntimeException e) {
            c.rollback();
            throw e;
          } finally {
            c.setAutoCommit(true);
          }
          return TargetCatalog.read(c);
        });
  }

  @Override
  public void checkConfig(
      Caller caller, TenantId tenant, DatabaseId database, RoutineName check, ActionConfig config) {
    TenantAccess.require(controlPlane, caller, tenant, Permission.EDIT_ACTIONS);
    onTarget(
        tenant,
        database,
        "call check_config",
        c -> {
          var found = TargetCatalog.find(c, check);
          if (found == null) {
            throw new InvalidInputException(
                "checkConfig", "There is no function " + check + " in this database.");
          }
          if (!found.usableAsCheck()) {
            throw new InvalidInputException("checkConfig", check + ": " + found.whyNotCheck());
          }
          c.setAutoCommit(false);
          try (var ps = c.prepareStatement("select " + check.sql() + "(?::jsonb)")) {
            ps.setString(1, config.json());
            ps.execute();
          } catch (SQLException e) {
            throw problem(e, null);
          } finally {
            // A check never changes anything: whatever it did is undone.
            c.rollback();
            c.setAutoCommit(true);
          }
          return null;
        });
  }

  @Override
  public ForegroundRun runNow(
      Caller caller,
      TenantId tenant,
      DatabaseId database,
      RoutineName routine,
      int jobId,
      ActionConfig config) {
    return runNow(caller, tenant, database, routine, jobId, config, Duration.ZERO, notice -> {});
  }

  @Override
  public ForegroundRun runNow(
      Caller caller,
      TenantId tenant,
      DatabaseId database,
      RoutineName routine,
      int jobId,
      ActionConfig config,
      Duration maxRuntime,
      java.util.function.Consumer<Notice> live) {
    TenantAccess.require(controlPlane, caller, tenant, Permission.EDIT_ACTIONS);
    return onTarget(
        tenant,
        database,
        "run the action",
        c -> {
          var found = TargetCatalog.find(c, routine);
          if (found == null || !found.usableAsAction()) {
            throw new InvalidInputException(
                "routine",
                found == null
                    ? "There is no function or procedure " + routine + " in this database."
                    : routine + ": " + found.whyNotAction());
          }
          var notices = new ArrayList<Notice>();
          long started = System.nanoTime();
          Optional<SqlProblem> error = Optional.empty();
          try (var setup = c.createStatement()) {
            setup.execute("set application_name = 'hourglass run-now job " + jobId + "'");
            setup.execute("set client_min_messages to debug1");
            // max_runtime is enforced on the target: PostgreSQL cancels the call when it is up.
            setup.execute("set statement_timeout = " + Math.max(0, maxRuntime.toMillis()));
          }
          var call =
              found.kind() == Routine.Kind.PROCEDURE
                  ? "call " + routine.sql() + "(?, ?::jsonb)"
                  // Counted on the server, so a set-returning function never fills this JVM.
                  : "select count(*) from (select " + routine.sql() + "(?, ?::jsonb)) as result";
          try (var ps = c.prepareStatement(call)) {
            ps.setInt(1, jobId);
            if (config.isEmpty()) {
              ps.setNull(2, Types.OTHER);
            } else {
              ps.setString(2, config.json());
            }
            // The driver adds each notice to the statement as it arrives; a watcher hands them on
            // while the call still runs, so a long action shows its progress.
            var watcher = new NoticeWatcher(ps, live);
            watcher.start();
            try {
              ps.execute();
            } catch (SQLException e) {
              error = Optional.of(problem(e, null));
            } finally {
              watcher.finish();
            }
            notices.addAll(watcher.kept());
          } finally {
            try (var reset = c.createStatement()) {
              reset.execute("reset client_min_messages");
              reset.execute("reset statement_timeout");
              reset.execute("reset application_name");
            } catch (SQLException ignored) {
              // The connection is closed below if it is broken; the pool replaces it.
            }
          }
          return new ForegroundRun(
              List.copyOf(notices), error, Duration.ofNanos(System.nanoTime() - started));
        });
  }

  /**
   * Polls the statement's warning chain and passes on notices not passed on yet, keeping the first
   * {@link ForegroundRun#MAX_NOTICES}. Once that many are kept it also clears the driver's chain at
   * each poll, so an action raising millions of notices cannot fill this JVM.
   */
  private static final class NoticeWatcher extends Thread {
    private final java.sql.Statement statement;
    private final java.util.function.Consumer<Notice> live;
    private final List<Notice> kept = new ArrayList<>();
    private volatile boolean done;
    private int seenInChain;
    private long dropped;

    NoticeWatcher(java.sql.Statement statement, java.util.function.Consumer<Notice> live) {
      super("hourglass-run-now-notices");
      setDaemon(true);
      this.statement = statement;
      this.live = live;
    }

    @Override
    public void run() {
      while (!done) {
        passOn();
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private synchronized void passOn() {
      try {
        var chain = new ArrayList<Notice>();
        collect(statement.getWarnings(), chain, Integer.MAX_VALUE);
        for (int i = seenInChain; i < chain.size(); i++) {
          if (kept.size() < ForegroundRun.MAX_NOTICES) {
            kept.add(chain.get(i));
            live.accept(chain.get(i));
          } else {
            dropped++;
          }
        }
        seenInChain = chain.size();
        if (kept.size() >= ForegroundRun.MAX_NOTICES) {
          statement.clearWarnings();
          seenInChain = 0;
        }
      } catch (SQLException | RuntimeException e) {
        // A closed statement: the notices kept so far are the result.
      }
    }

    void finish() {
      done = true;
      interrupt();
      try {
        join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      passOn();
    }

    synchronized List<Notice> kept() {
      var result = new ArrayList<>(kept);
      if (dropped > 0) {
        result.add(new Notice("HOURGLASS", dropped + " more notices were not kept."));
      }
      return result;
    }
  }

  private static void collect(SQLWarning warning, List<Notice> into, int limit) {
    for (var w = warning; w != null && into.size() < limit; w = w.getNextWarning()) {
      if (w instanceof PSQLWarning pw && pw.getServerErrorMessage() != null) {
        var m = pw.getServerErrorMessage();
        into.add(new Notice(m.getSeverity(), m.getMessage()));
      } else {
        into.add(new Notice("NOTICE", w.getMessage()));
      }
    }
  }

  /** PostgreSQL's error, with the position turned into a line and column of {@code sql}. */
  static SqlProblem problem(SQLException e, String sql) {
    return problem(e, sql, 0);
  }

  /**
   * @param offset where, in {@code sql}, the statement PostgreSQL's position counts from begins
   */
  static SqlProblem problem(SQLException e, String sql, int offset) {
    ServerErrorMessage m = e instanceof PSQLException p ? p.getServerErrorMessage() : null;
    if (m == null) {
      return new SqlProblem(
          "The database refused: " + e.getMessage(), e.getSQLState(), "", "", 0, 0);
    }
    int line = 0;
    int column = 0;
    int position = m.getPosition() + offset;
    if (sql != null && m.getPosition() > 0 && position <= sql.length() + 1) {
      line = 1;
      column = 1;
      for (int i = 0; i < position - 1; i++) {
        if (sql.charAt(i) == '\n') {
          line++;
          column = 1;
        } else {
          column++;
        }
      }
    }
    var where = line > 0 ? " (line " + line + ", column " + column + ")" : "";
    return new SqlProblem(
        m.getMessage() + where, m.getSQLState(), m.getDetail(), m.getHint(), line, column);
  }

  @FunctionalInterface
  private interface TargetWork<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T onTarget(TenantId tenant, DatabaseId database, String what, TargetWork<T> work) {
    try (var c = targets.open(tenant, database)) {
      try {
        return work.run(c);
      } finally {
        // Whatever the person's SQL or the action set in the session (SET ROLE, search_path,
        // temp tables) must not reach the next user of this pooled connection.
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
    } catch (SQLException e) {
      throw new UserFacingException(
          "Could not "
              + what
              + ": the database did not answer as expected ("
              + e.getMessage()
              + ").");
    }
  }
}
