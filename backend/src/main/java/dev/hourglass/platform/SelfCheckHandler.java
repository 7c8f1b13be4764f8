package dev.hourglass.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import org.jobrunr.jobs.lambdas.JobRequestHandler;

/** Runs {@link SelfCheckRequest}: a CDI bean, so it shows the activator works. */
@ApplicationScoped
public class SelfCheckHandler implements JobRequestHandler<SelfCheckRequest> {

  private JobRunrHost jobs;
  private Clock clock;

  /** For CDI's client proxy only. */
  protected SelfCheckHandler() {}

  @Inject
  public SelfCheckHandler(JobRunrHost jobs, Clock clock) {
    this.jobs = jobs;
    this.clock = clock;
  }

  @Override
  public void run(SelfCheckRequest request) {
    jobs.recordSelfCheck(clock.instant());
  }
}
