package dev.hourglass.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** An action's run statistics, as TimescaleDB's {@code timescaledb_information.job_stats}. */
public record ActionStats(
    long totalRuns,
    long totalSuccesses,
    long totalFailures,
    long totalCrashes,
    int consecutiveFailures,
    int consecutiveCrashes,
    Optional<Instant> lastRunStartedAt,
    Optional<Instant> lastFinish,
    Optional<Instant> lastSuccessfulFinish,
    Optional<RunStatus> lastRunStatus,
    Optional<Duration> lastRunDuration,
    Optional<Instant> nextStart,
    boolean running) {}
