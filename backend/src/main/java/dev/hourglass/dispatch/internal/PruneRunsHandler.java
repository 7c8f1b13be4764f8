package dev.hourglass.dispatch.internal;

import dev.hourglass.platform.JobRunrHost;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import org.jobrunr.jobs.lambdas.JobRequestHandler;

/**
 * Declares the retention job at start (every node does; JobRunr keeps one schedule per id) and runs
 * it: at most ten minutes of deleting per pass, the next hour goes on where it stopped.
 */
@ApplicationScoped
public class PruneRunsHandler implements JobRequestHandler<PruneRunsRequest> {
  static final String JOB_ID = "run-history-retention";
  static final Duration BUDGET = Duration.ofMinutes(10);

  private RunPruner pruner;
  private JobRunrHost jobs;

  /** For CDI's client proxy only. */
  protected PruneRunsHandler() {}

  @Inject
  public PruneRunsHandler(RunPruner pruner, JobRunrHost jobs) {
    this.pruner = pruner;
    this.jobs = jobs;
  }

  void declare(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
    jobs.recurring(JOB_ID, "23 * * * *", new PruneRunsRequest());
  }

  @Override
  public void run(PruneRunsRequest request) {
    pruner.prune(BUDGET);
  }
}
