package dev.hourglass.ui.action;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads "Run now" runs on while the page shows its notices: a few per node, so foreground
 * runs cannot take every thread of the server, and never the JVM's common pool.
 */
@ApplicationScoped
public class RunNowExecutor {

  static final int THREADS = 4;
  private final AtomicInteger count = new AtomicInteger();
  private final ExecutorService executor =
      Executors.newFixedThreadPool(
          THREADS,
          r -> {
            var t = new Thread(r, "hourglass-run-now-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  void submit(Runnable task) {
    executor.execute(task);
  }

  @PreDestroy
  void stop() {
    executor.shutdownNow();
  }
}
