package dev.hourglass.ui.database;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Asks every open dashboard every two seconds whether its tenant's fleet changed; a dashboard that
 * changed reloads and pushes to its browser. The control-plane database is the source of truth, so
 * changes made on another node or by the fleet monitor arrive the same way.
 */
@ApplicationScoped
public class FleetTicker {

  private static final Logger LOG = Logger.getLogger(FleetTicker.class.getName());
  static final long PERIOD_MILLIS = 2_000;

  private final Set<Runnable> listeners = ConcurrentHashMap.newKeySet();
  private ScheduledExecutorService executor;

  /** Registers {@code poll}; run {@link Runnable#run} on the returned handle to unregister. */
  synchronized Runnable register(Runnable poll) {
    if (executor == null) {
      executor =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                var t = new Thread(r, "hourglass-fleet-ticker");
                t.setDaemon(true);
                return t;
              });
      executor.scheduleWithFixedDelay(
          this::tick, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }
    listeners.add(poll);
    return () -> listeners.remove(poll);
  }

  private void tick() {
    for (var listener : listeners) {
      try {
        listener.run();
      } catch (RuntimeException e) {
        LOG.log(Level.FINE, "A dashboard could not refresh; it tries again next tick", e);
      }
    }
  }

  @PreDestroy
  synchronized void stop() {
    if (executor != null) {
      executor.shutdownNow();
    }
  }
}
