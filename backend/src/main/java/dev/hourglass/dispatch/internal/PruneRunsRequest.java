package dev.hourglass.dispatch.internal;

import org.jobrunr.jobs.lambdas.JobRequest;

/** The hourly retention pass, carried by JobRunr so one node at a time makes it. */
public record PruneRunsRequest() implements JobRequest {
  @Override
  public Class<PruneRunsHandler> getJobRequestHandler() {
    return PruneRunsHandler.class;
  }
}
