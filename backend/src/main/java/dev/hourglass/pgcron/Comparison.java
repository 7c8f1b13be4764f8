package dev.hourglass.pgcron;

import java.time.Instant;
import java.util.List;

/** pg_cron jobs and actions of one database over a period, lane by lane. */
public record Comparison(PgCronSite site, Instant from, Instant to, List<Lane> lanes) {

  public Comparison {
    lanes = List.copyOf(lanes);
  }

  public enum Source {
    PG_CRON("pg_cron"),
    HOURGLASS("Hourglass");

    private final String label;

    Source(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /**
   * One pg_cron job or one action.
   *
   * @param id the pg_cron job id, or the action id
   * @param runs the period's runs, oldest first
   */
  public record Lane(
      Source source,
      String id,
      String name,
      String schedule,
      RunSummary summary,
      List<CronRun> runs) {
    public Lane {
      runs = List.copyOf(runs);
    }
  }
}
