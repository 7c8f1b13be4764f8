package dev.hourglass.ui.shell;

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
 * Asks every open live page (the dashboard, an action's run history) every two seconds whether what
 * it shows changed; a page that changed reloads and pushes to its browser. The control-plane
 * database is the source of truth, so changes made on another node, by the fleet monitor or by the
 * dispatcher arrive the same way. The server pushes; the browser does not poll.
 */
@ApplicationScoped
public class PageTicker {

  private static final Logger LOG = Logger.getLogger(PageTicker.class.getName());
  static final long PERIOD_MILLIS = 2_000;

  private final Set<Runnable> listeners = ConcurrentHashMap.newKeySet();
  private ScheduledExecutorService executor;

  /**
   * Registers {@code poll}, run on the ticker's thread; run {@link Runnable#run} on the returned
   * handle to unregister.
   */
  public synchronized Runnable register(Runnable poll) {
    if (executor == null) {
      executor =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                var t = new Thread(r, "hourglass-page-ticker");
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
        LOG.log(Level.FINE, "A page could not refresh; it tries again next tick", e);
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
