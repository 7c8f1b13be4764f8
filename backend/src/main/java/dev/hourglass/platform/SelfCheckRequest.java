package dev.hourglass.platform;

import java.time.Instant;
import org.jobrunr.jobs.lambdas.JobRequest;

/** The job enqueued at start-up to prove JobRunr runs CDI-activated handlers. */
public record SelfCheckRequest(Instant enqueuedAt) implements JobRequest {
  @Override
  public Class<SelfCheckHandler> getJobRequestHandler() {
    return SelfCheckHandler.class;
  }
}
