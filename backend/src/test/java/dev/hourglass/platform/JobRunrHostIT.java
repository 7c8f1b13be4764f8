package dev.hourglass.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.testing.ControlPlaneDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JobRunrHostIT {

  @RegisterExtension static ControlPlaneDatabase db = new ControlPlaneDatabase();

  @Test
  void an_enqueued_request_is_stored_and_run_by_a_handler_from_the_activator() throws Exception {
    var host = new AtomicReference<JobRunrHost>();
    var activated = new AtomicReference<Class<?>>();
    try (var jobs =
        JobRunrHost.start(
            db.dataSource(),
            new Settings.Jobs(2, 5),
            new org.jobrunr.server.JobActivator() {
              @Override
              public <T> T activateJob(Class<T> type) {
                activated.set(type);
                return type.cast(new SelfCheckHandler(host.get(), Clock.systemUTC()));
              }
            })) {
      host.set(jobs);
      jobs.enqueue(new SelfCheckRequest(Instant.now()));

      // JobRunr starts its background server asynchronously; wait for it and for the worker.
      var deadline = Instant.now().plus(Duration.ofSeconds(60));
      while ((jobs.lastSelfCheck() == null || !jobs.isRunning())
          && Instant.now().isBefore(deadline)) {
        Thread.sleep(200);
      }
      assertThat(jobs.isRunning()).isTrue();
      assertThat(jobs.lastSelfCheck()).isNotNull();
      assertThat(activated.get()).isEqualTo(SelfCheckHandler.class);
      // JobRunr stores the SUCCEEDED state just after the handler returns: wait for it too.
      int succeeded = 0;
      while (succeeded == 0 && Instant.now().isBefore(deadline)) {
        try (var c = db.dataSource().getConnection();
            var rs =
                c.createStatement()
                    .executeQuery("select count(*) from jobrunr_jobs where state = 'SUCCEEDED'")) {
          rs.next();
          succeeded = rs.getInt(1);
        }
        if (succeeded == 0) {
          Thread.sleep(200);
        }
      }
      assertThat(succeeded).isGreaterThanOrEqualTo(1);
    }
  }
}
