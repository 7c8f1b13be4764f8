package dev.hourglass.timescale;

import dev.hourglass.action.ActionId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A job of TimescaleDB's own scheduler, as {@code timescaledb_information.jobs} and {@code
 * _timescaledb_config.bgw_job} (for the time zone) show it, with its {@code job_stats}.
 *
 * @param scheduleInterval PostgreSQL's text of the interval, e.g. {@code 1 day}
 * @param nextStart empty when TimescaleDB has none or it is {@code infinity} ({@link #paused()})
 * @param hypertable {@code schema.name} of the hypertable a policy works on
 * @param adoptedAs the Hourglass action that runs it instead, when adopted
 */
public record NativeJob(
    int jobId,
    String name,
    Kind kind,
    String procSchema,
    String procName,
    String owner,
    String scheduleInterval,
    boolean fixedSchedule,
    Optional<Instant> initialStart,
    Optional<String> timezone,
    Optional<String> config,
    Optional<String> checkConfig,
    String maxRuntime,
    int maxRetries,
    String retryPeriod,
    boolean scheduled,
    boolean paused,
    Optional<Instant> nextStart,
    Optional<String> hypertable,
    Optional<Stats> stats,
    Optional<ActionId> adoptedAs) {

  public NativeJob {
    Objects.requireNonNull(kind, "kind");
  }

  /** What kind of job it is; only user-defined actions can be adopted. */
  public enum Kind {
    USER_DEFINED("User-defined action"),
    COMPRESSION("Compression policy"),
    RETENTION("Retention policy"),
    REFRESH("Continuous aggregate refresh policy"),
    REORDER("Reorder policy"),
    OTHER_POLICY("Policy"),
    SYSTEM("TimescaleDB's own job");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** {@code timescaledb_information.job_stats}. */
  public record Stats(
      Optional<String> lastRunStatus,
      Optional<String> jobStatus,
      Optional<Instant> lastRunStartedAt,
      Optional<Instant> lastSuccessfulFinish,
      long totalRuns,
      long totalSuccesses,
      long totalFailures) {}

  public boolean adoptable() {
    return kind == Kind.USER_DEFINED && adoptedAs.isEmpty();
  }

  /** {@code schema.name} of the procedure or function. */
  public String procedure() {
    return procSchema + "." + procName;
  }
}
