package dev.hourglass.dispatch.internal;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Deletes the runs that the tenants' retention policies no longer keep, in short transactions of at
 * most {@link #BATCH} runs each, so neither dispatch nor the pages wait on it.
 */
@ApplicationScoped
public class RunPruner {
  static final int BATCH = 5_000;
  private static final Logger LOG = Logger.getLogger(RunPruner.class.getName());

  /** What one pass deleted; {@code finished} is false when the time budget ran out first. */
  public record Pass(long byAge, long byCount, boolean finished) {}

  private DataSource dataSource;
  private Clock clock;

  /** For CDI's client proxy only. */
  protected RunPruner() {}

  @Inject
  public RunPruner(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  /** Prunes until nothing is left to prune or {@code budget} is spent; the next pass goes on. */
  public Pass prune(Duration budget) {
    var deadline = clock.instant().plus(budget);
    long byAge = 0;
    long byCount = 0;
    boolean finished = false;
    try (var c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      int deleted;
      do {
        try (var ps = c.prepareStatement("select hourglass_prune_runs_by_age(?, ?)")) {
          ps.setTimestamp(1, Timestamp.from(clock.instant()));
          ps.setInt(2, BATCH);
          deleted = single(ps);
        }
        byAge += deleted;
      } while (deleted == BATCH && clock.instant().isBefore(deadline));
      if (deleted < BATCH) {
        do {
          try (var ps = c.prepareStatement("select hourglass_prune_runs_by_count(?)")) {
            ps.setInt(1, BATCH);
            deleted = single(ps);
          }
          byCount += deleted;
        } while (deleted == BATCH && clock.instant().isBefore(deadline));
        finished = deleted < BATCH;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Could not prune the run history (SQLSTATE " + e.getSQLState() + ")", e);
    }
    var pass = new Pass(byAge, byCount, finished);
    LOG.info(() -> "Run retention: " + pass);
    return pass;
  }

  private static int single(java.sql.PreparedStatement ps) throws SQLException {
    try (var rs = ps.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
