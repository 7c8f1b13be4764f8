package dev.hourglass.timescale;

import java.time.Instant;
import java.util.Optional;

/**
 * A run TimescaleDB recorded: a row of {@code timescaledb_information.job_history} (2.15 and later,
 * successes and failures) or, before that, of {@code job_errors} (failures only).
 */
public record NativeJobRun(
    int jobId,
    Optional<Instant> startTime,
    Optional<Instant> finishTime,
    boolean succeeded,
    Optional<String> sqlState,
    Optional<String> message) {}
