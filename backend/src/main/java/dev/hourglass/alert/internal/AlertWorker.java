package dev.hourglass.alert.internal;

import dev.hourglass.mail.MailGateway;
import dev.hourglass.platform.Settings;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The background side of alerts on every node: sends the outbox every {@link #SEND_EVERY} and
 * sweeps for missed runs and unreachable databases every {@link #SWEEP_EVERY}. Nodes share the work
 * through the control plane (leases on deliveries, events unique per slot), so running it on every
 * node is safe. Not on JobRunr: see docs/decisions/0013-20261126-alerts.md.
 */
@ApplicationScoped
public class AlertWorker {

  private static final Logger LOG = Logger.getLogger(AlertWorker.class.getName());
  static final Duration SEND_EVERY = Duration.ofSeconds(2);
  static final Duration SWEEP_EVERY = Duration.ofSeconds(20);

  private AlertOutbox outbox;
  private AlertSweep sweep;
  private ScheduledExecutorService loops;

  /** For CDI's client proxy only. */
  protected AlertWorker() {}

  @Inject
  public AlertWorker(DataSource dataSource, Clock clock, MailGateway mail, Settings settings) {
    this.outbox = new AlertOutbox(dataSource, clock, mail, settings.baseUrl());
    this.sweep = new AlertSweep(dataSource, clock);
  }

  void startWithApp(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
    start();
  }

  synchronized void start() {
    if (loops != null) {
      return;
    }
    loops =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              var t = new Thread(r, "hourglass-alerts");
              t.setDaemon(true);
              return t;
            });
    loops.scheduleWithFixedDelay(
        guarded("send", () -> outbox.deliverDue()),
        SEND_EVERY.toMillis(),
        SEND_EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
    loops.scheduleWithFixedDelay(
        guarded("sweep", () -> sweep.sweep()),
        SWEEP_EVERY.toMillis(),
        SWEEP_EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private static Runnable guarded(String what, Runnable work) {
    return () -> {
      try {
        work.run();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Alert " + what + " failed; it is tried again", e);
      }
    };
  }

  @PreDestroy
  synchronized void stop() {
    if (loops != null) {
      loops.shutdownNow();
      loops = null;
    }
  }
}
