package dev.hourglass.pgcron;

import java.util.List;
import java.util.Optional;

/**
 * A row of {@code cron.job} for the database, with its runs of the period asked for.
 *
 * @param name empty for jobs scheduled without a name
 * @param database the database pg_cron runs it in
 * @param username the role it runs as; pg_cron shows a user only the jobs it owns
 */
public record PgCronJob(
    long jobId,
    Optional<String> name,
    String schedule,
    String command,
    String database,
    String username,
    boolean active,
    RunSummary summary,
    List<CronRun> runs) {

  public PgCronJob {
    runs = List.copyOf(runs);
  }

  /** The name, or "job N" for an unnamed job. */
  public String label() {
    return name.filter(n -> !n.isBlank()).orElse("job " + jobId);
  }
}
