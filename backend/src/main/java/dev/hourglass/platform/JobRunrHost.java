package dev.hourglass.platform;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.jobrunr.configuration.JobRunr;
import org.jobrunr.jobs.lambdas.JobRequest;
import org.jobrunr.scheduling.JobRequestScheduler;
import org.jobrunr.server.BackgroundJobServer;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.server.JobActivator;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.StorageProviderUtils.DatabaseOptions;
import org.jobrunr.storage.sql.postgres.PostgresStorageProvider;
import org.jobrunr.utils.mapper.jackson.JacksonJsonMapper;

/**
 * JobRunr inside the app: storage in the control-plane database, a background server per node, and
 * no dashboard (JobRunr's dashboard has no authentication). See
 * docs/decisions/0004-20261126-control-plane-and-jobrunr-hosting.md.
 */
public final class JobRunrHost implements AutoCloseable {

  private final StorageProvider storage;
  private final BackgroundJobServer server;
  private final JobRequestScheduler scheduler;
  private final AtomicReference<Instant> selfCheck = new AtomicReference<>();

  private JobRunrHost(
      StorageProvider storage, BackgroundJobServer server, JobRequestScheduler scheduler) {
    this.storage = storage;
    this.server = server;
    this.scheduler = scheduler;
  }

  /** Serialises JobRunr's first start across nodes (its table creation is not safe to race). */
  static final long START_LOCK = 7_286_006L;

  static JobRunrHost start(DataSource dataSource, Settings.Jobs settings, JobActivator activator) {
    // Two nodes starting at once on a fresh control plane would both create JobRunr's tables, and
    // the loser fails with "relation jobrunr_jobs already exists". A session lock held on a
    // connection of its own makes the second node wait and then find the tables there.
    try (var lock = dataSource.getConnection()) {
      try (var st = lock.createStatement()) {
        st.execute("select pg_advisory_lock(" + START_LOCK + ")");
      }
      try {
        return startLocked(dataSource, settings, activator);
      } finally {
        try (var st = lock.createStatement()) {
          st.execute("select pg_advisory_unlock(" + START_LOCK + ")");
        }
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(
          "Could not take JobRunr's start lock (SQLSTATE " + e.getSQLState() + ")", e);
    }
  }

  private static JobRunrHost startLocked(
      DataSource dataSource, Settings.Jobs settings, JobActivator activator) {
    var storage = new PostgresStorageProvider(dataSource, DatabaseOptions.CREATE);
    var result =
        JobRunr.configure()
            .useJsonMapper(new JacksonJsonMapper())
            .useJobActivator(activator)
            .useStorageProvider(storage)
            .useBackgroundJobServer(
                BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration()
                    .andPollIntervalInSeconds(settings.pollIntervalSeconds())
                    .andWorkerCount(settings.workers()))
            .initialize();
    return new JobRunrHost(
        storage, JobRunr.getBackgroundJobServer(), result.getJobRequestScheduler());
  }

  /** Hands a job to JobRunr; it is stored before this returns. */
  public void enqueue(JobRequest request) {
    scheduler.enqueue(request);
  }

  /**
   * Runs {@code request} on {@code cron} (UTC) on one node of the cluster at a time; a later call
   * with the same id replaces the schedule, so every node may declare it at start.
   */
  public void recurring(String id, String cron, JobRequest request) {
    scheduler.scheduleRecurrently(id, cron, request);
  }

  public boolean isRunning() {
    return server.isRunning();
  }

  /** Reads from JobRunr's storage, to prove it answers. */
  public long succeededJobs() {
    return storage.getJobStats().getSucceeded();
  }

  /** When the self-check job last ran on this node, or null. */
  public Instant lastSelfCheck() {
    return selfCheck.get();
  }

  void recordSelfCheck(Instant at) {
    selfCheck.set(at);
  }

  @Override
  public void close() {
    JobRunr.destroy();
  }
}
