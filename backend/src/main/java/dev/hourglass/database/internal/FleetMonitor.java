package dev.hourglass.database.internal;

import static dev.hourglass.common.Transactions.inTransaction;

import dev.hourglass.database.DatabaseId;
import dev.hourglass.platform.Settings;
import dev.hourglass.security.SecretBox;
import dev.hourglass.tenant.TenantId;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Checks every database of every tenant once per check interval and records reachability and
 * capabilities, which the dashboard shows live.
 *
 * <p>Several app nodes may run it against one control plane: each round claims the due databases
 * with {@code for update skip locked} (function hourglass_claim_fleet_checks), so a database is
 * checked by one node per interval. Checks run in parallel with bounded connect time-outs, so a few
 * unreachable databases cannot stall the round.
 */
@ApplicationScoped
public class FleetMonitor {

  private static final Logger LOG = Logger.getLogger(FleetMonitor.class.getName());
  static final String SYSTEM = "system:monitor";
  static final int PARALLEL_CHECKS = 16;
  static final int CLAIM_BATCH = 200;

  private DataSource dataSource;
  private Clock clock;
  private SecretBox box;
  private Fleet fleet;
  private Duration interval;
  private ScheduledExecutorService ticker;
  private ExecutorService checkers;

  /** For CDI's client proxy only. */
  protected FleetMonitor() {}

  @Inject
  public FleetMonitor(
      DataSource dataSource, Clock clock, SecretBox box, Fleet fleet, Settings settings) {
    this(dataSource, clock, box, fleet, settings.targets().checkInterval());
  }

  public FleetMonitor(
      DataSource dataSource, Clock clock, SecretBox box, Fleet fleet, Duration interval) {
    this.dataSource = dataSource;
    this.clock = clock;
    this.box = box;
    this.fleet = fleet;
    this.interval = interval;
  }

  void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
    startTicking(Duration.ofSeconds(Math.min(5, Math.max(1, interval.toSeconds() / 4))));
  }

  /** Starts looking for due databases every {@code every}. */
  public synchronized void startTicking(Duration every) {
    if (ticker != null) {
      return;
    }
    checkers = Executors.newFixedThreadPool(PARALLEL_CHECKS, daemon("hourglass-fleet-check"));
    ticker = Executors.newSingleThreadScheduledExecutor(daemon("hourglass-fleet-monitor"));
    ticker.scheduleWithFixedDelay(
        () -> {
          try {
            runOnce();
          } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Fleet check round failed; the next round retries", e);
          }
        },
        0,
        every.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Claims the databases due for a check and checks them.
   *
   * @return how many were checked
   */
  public int runOnce() {
    var due = claimDue();
    if (due.isEmpty()) {
      return 0;
    }
    var pool = checkers != null ? checkers : Executors.newFixedThreadPool(PARALLEL_CHECKS);
    try {
      var done = new AtomicInteger();
      var futures = new ArrayList<Future<?>>();
      for (var item : due) {
        futures.add(
            pool.submit(
                () -> {
                  check(item.tenant(), item.id());
                  done.incrementAndGet();
                }));
      }
      for (var f : futures) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          LOG.log(Level.WARNING, "A fleet check failed", e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      return done.get();
    } finally {
      if (pool != checkers) {
        pool.shutdownNow();
      }
    }
  }

  private record Due(TenantId tenant, DatabaseId id) {}

  private List<Due> claimDue() {
    return inTransaction(
        dataSource,
        SYSTEM,
        null,
        "claim the due fleet checks",
        c -> {
          try (var ps = c.prepareStatement("select * from hourglass_claim_fleet_checks(?, ?, ?)")) {
            ps.setTimestamp(1, Timestamp.from(clock.instant()));
            ps.setTimestamp(2, Timestamp.from(clock.instant().minus(interval)));
            ps.setInt(3, CLAIM_BATCH);
            var result = new ArrayList<Due>();
            try (var rs = ps.executeQuery()) {
              while (rs.next()) {
                result.add(
                    new Due(
                        new TenantId(rs.getObject(1, UUID.class)),
                        new DatabaseId(rs.getObject(2, UUID.class))));
              }
            }
            return result;
          }
        });
  }

  private void check(TenantId tenant, DatabaseId id) {
    var row =
        inTransaction(
            dataSource,
            SYSTEM,
            tenant.value(),
            "read the database",
            c -> StoredDatabase.find(c, tenant, id, false));
    if (row.isEmpty()) {
      return;
    }
    var result = fleet.probe().check(row.get().connection(box), fleet.policy());
    inTransaction(
        dataSource,
        SYSTEM,
        tenant.value(),
        "record the check",
        c -> {
          StoredDatabase.recordCheck(
              c, tenant, id, result, clock.instant(), row.get().database().version());
          return null;
        });
  }

  @PreDestroy
  public synchronized void stop() {
    if (ticker != null) {
      ticker.shutdownNow();
      checkers.shutdownNow();
      ticker = null;
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    var n = new AtomicInteger();
    return r -> {
      var t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
