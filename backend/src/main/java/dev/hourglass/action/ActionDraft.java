package dev.hourglass.action;

import dev.hourglass.common.InvalidInputException;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.schedule.ActionSchedule;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What add_job / alter_job take: the routine and its config, check_config, and the schedule.
 *
 * @param jobName empty for TimescaleDB's default, "User-Defined Action [job_id]"
 * @param maxRuntime 0 for unlimited, as in TimescaleDB
 * @param scheduled false creates it unscheduled (TimescaleDB's {@code scheduled => false})
 * @param nextStart an explicit first/next start; empty computes it from the schedule
 */
public record ActionDraft(
    DatabaseId database,
    String jobName,
    RoutineName routine,
    ActionConfig config,
    Optional<RoutineName> checkConfig,
    ActionSchedule schedule,
    boolean scheduled,
    java.time.Duration maxRuntime,
    Optional<Instant> nextStart) {

  public ActionDraft {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(routine, "routine");
    Objects.requireNonNull(schedule, "schedule");
    config = config == null ? ActionConfig.none() : config;
    checkConfig = checkConfig == null ? Optional.empty() : checkConfig;
    nextStart = nextStart == null ? Optional.empty() : nextStart;
    maxRuntime = maxRuntime == null ? java.time.Duration.ZERO : maxRuntime;
    jobName = jobName == null ? "" : jobName.strip();
    if (jobName.length() > 128 || jobName.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidInputException(
          "job_name", "Use at most 128 characters without control characters for the name.");
    }
    if (maxRuntime.isNegative()) {
      throw new InvalidInputException(
          "max_runtime", "max_runtime cannot be negative; use 0 for no limit.");
    }
  }
}
