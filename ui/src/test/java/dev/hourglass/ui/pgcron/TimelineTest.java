package dev.hourglass.ui.pgcron;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.database.DatabaseId;
import dev.hourglass.pgcron.Comparison;
import dev.hourglass.pgcron.CronRun;
import dev.hourglass.pgcron.PgCronSite;
import dev.hourglass.pgcron.RunSummary;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TimelineTest {

  static final Instant FROM = Instant.parse("2026-11-26T09:00:00Z");
  static final Instant TO = Instant.parse("2026-11-26T10:00:00Z");

  static Comparison comparison(List<Comparison.Lane> lanes) {
    var site =
        new PgCronSite(
            DatabaseId.random(),
            "shop",
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            ZoneId.of("GMT"),
            false,
            Optional.empty());
    return new Comparison(site, FROM, TO, lanes);
  }

  static CronRun run(String start, long millis, CronRun.Outcome outcome, String message) {
    var s = Instant.parse(start);
    return new CronRun(
        Optional.of(s.minusMillis(120)), s, Optional.of(s.plusMillis(millis)), outcome, message);
  }

  @Test
  void each_lane_has_a_mark_per_run_at_its_start_coloured_by_outcome() {
    var runs =
        List.of(
            run("2026-11-26T09:15:00Z", 500, CronRun.Outcome.SUCCEEDED, ""),
            run("2026-11-26T09:30:00Z", 500, CronRun.Outcome.FAILED, "division by zero"));
    var lane =
        new Comparison.Lane(
            Comparison.Source.PG_CRON, "7", "tick", "* * * * *", RunSummary.of(runs), runs);
    var svg = Timeline.svg(comparison(List.of(lane)), ZoneId.of("UTC"));

    assertThat(svg).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"").endsWith("</svg>");
    assertThat(svg).contains("data-source=\"PG_CRON\" data-name=\"tick\" data-runs=\"2\"");
    assertThat(svg).contains("class=\"run succeeded\" x=\"417.5\"");
    assertThat(svg).contains("class=\"run failed\" x=\"595.0\"");
    assertThat(svg).contains("#2e7d32").contains("#c62828");
    assertThat(svg).contains("lag 120 ms").contains("took 500 ms").contains("division by zero");
    assertThat(Timeline.at(comparison(List.of(lane)), 417.5))
        .isEqualTo(Instant.parse("2026-11-26T09:15:00Z"));
  }

  @Test
  void names_and_messages_are_escaped_so_they_cannot_inject_markup() {
    var runs =
        List.of(
            run(
                "2026-11-26T09:15:00Z",
                5,
                CronRun.Outcome.FAILED,
                "</title><script>alert(1)</script>"));
    var lane =
        new Comparison.Lane(
            Comparison.Source.HOURGLASS,
            "a",
            "<img src=x onerror=alert(1)> & \"q\"",
            "1 day",
            RunSummary.of(runs),
            runs);
    var svg = Timeline.svg(comparison(List.of(lane)), ZoneId.of("UTC"));
    assertThat(svg).doesNotContain("<script").doesNotContain("<img");
    assertThat(svg).contains("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot;");
    assertThat(svg).contains("&lt;/title&gt;&lt;script&gt;");
  }

  @Test
  void an_empty_comparison_says_so() {
    assertThat(Timeline.svg(comparison(List.of()), ZoneId.of("UTC")))
        .contains("No pg_cron jobs and no actions on this database.");
  }
}
