package dev.hourglass.health;

import dev.hourglass.platform.JobRunrHost;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** JobRunr's background server runs on this node and its storage answers. */
@Readiness
@ApplicationScoped
public class JobsReadiness implements HealthCheck {

  private JobRunrHost jobs;

  /** For CDI's client proxy only. */
  protected JobsReadiness() {}

  @Inject
  public JobsReadiness(JobRunrHost jobs) {
    this.jobs = jobs;
  }

  @Override
  public HealthCheckResponse call() {
    return Checks.guarded(
        "jobs",
        b -> {
          if (!jobs.isRunning()) {
            throw new IllegalStateException("the JobRunr background server is not running");
          }
          var selfCheck = jobs.lastSelfCheck();
          b.withData("backgroundServer", "running")
              .withData("succeededJobs", jobs.succeededJobs())
              .withData("selfCheck", selfCheck == null ? "pending" : "succeeded at " + selfCheck);
        });
  }
}
