package dev.hourglass.pgcron;

import java.util.List;

/**
 * A database's pg_cron page: where pg_cron is, its jobs for this database with their recent runs,
 * and each action's pg_cron equivalent.
 */
public record PgCronOverview(
    PgCronSite site, List<PgCronJob> jobs, List<PgCronEquivalent> equivalents) {
  public PgCronOverview {
    jobs = List.copyOf(jobs);
    equivalents = List.copyOf(equivalents);
  }
}
