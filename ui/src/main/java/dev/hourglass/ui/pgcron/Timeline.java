package dev.hourglass.ui.pgcron;

import dev.hourglass.pgcron.Comparison;
import dev.hourglass.pgcron.CronRun;
import dev.hourglass.ui.shell.Times;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;

/**
 * The comparison as an SVG picture: one lane per pg_cron job and per action, a mark per run at its
 * start (as wide as it took, at least 2 px), green for success, red for failure, amber while
 * running; each mark's tooltip gives start, lag, duration and message. Drawn on the server as text
 * (no frontend build, decision 0011), with every name and message escaped.
 */
final class Timeline {

  static final int WIDTH = 960;
  static final int LABEL = 240;
  static final int LANE = 26;
  static final int AXIS = 24;

  private Timeline() {}

  static String svg(Comparison comparison, ZoneId zone) {
    var from = comparison.from();
    var to = comparison.to();
    double span = Math.max(1, Duration.between(from, to).toMillis());
    int plot = WIDTH - LABEL - 10;
    int height = AXIS + LANE * Math.max(1, comparison.lanes().size()) + 6;
    var out = new StringBuilder();
    out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"")
        .append(WIDTH)
        .append("\" height=\"")
        .append(height)
        .append("\" viewBox=\"0 0 ")
        .append(WIDTH)
        .append(' ')
        .append(height)
        .append("\" font-family=\"sans-serif\" font-size=\"12\">");
    out.append("<title>Runs from ")
        .append(escape(Times.exact(from, zone)))
        .append(" to ")
        .append(escape(Times.exact(to, zone)))
        .append("</title>");
    // The axis: start, quarters and end, in the viewer's zone.
    for (int i = 0; i <= 4; i++) {
      double x = LABEL + plot * i / 4.0;
      var at = from.plusMillis((long) (span * i / 4));
      out.append("<line x1=\"")
          .append(fmt(x))
          .append("\" y1=\"")
          .append(AXIS - 4)
          .append("\" x2=\"")
          .append(fmt(x))
          .append("\" y2=\"")
          .append(height)
          .append("\" stroke=\"#ddd\"/>");
      out.append("<text x=\"")
          .append(fmt(x))
          .append("\" y=\"14\" text-anchor=\"")
          .append(i == 0 ? "start" : i == 4 ? "end" : "middle")
          .append("\" fill=\"#555\">")
          .append(escape(Times.moment(at, zone, to)))
          .append("</text>");
    }
    if (comparison.lanes().isEmpty()) {
      out.append("<text x=\"")
          .append(LABEL)
          .append("\" y=\"")
          .append(AXIS + 17)
          .append("\" fill=\"#555\">No pg_cron jobs and no actions on this database.</text>");
    }
    int y = AXIS;
    for (var lane : comparison.lanes()) {
      out.append("<g class=\"lane\" data-source=\"")
          .append(lane.source().name())
          .append("\" data-name=\"")
          .append(escape(lane.name()))
          .append("\" data-runs=\"")
          .append(lane.runs().size())
          .append("\">");
      out.append("<rect x=\"0\" y=\"")
          .append(y)
          .append("\" width=\"")
          .append(WIDTH)
          .append("\" height=\"")
          .append(LANE)
          .append("\" fill=\"")
          .append(lane.source() == Comparison.Source.PG_CRON ? "#f4f6fb" : "#f6fbf4")
          .append("\"/>");
      out.append("<text x=\"6\" y=\"")
          .append(y + 17)
          .append("\" fill=\"#222\">")
          .append(escape(clip(lane.source().label() + " · " + lane.name(), 34)))
          .append("</text>");
      for (var run : lane.runs()) {
        double x = LABEL + plot * Duration.between(from, run.start()).toMillis() / span;
        double w =
            Math.max(
                2,
                plot * run.duration().orElse(Duration.between(run.start(), to)).toMillis() / span);
        w = Math.min(w, LABEL + plot - x + 2);
        out.append("<rect class=\"run ")
            .append(run.outcome().name().toLowerCase(Locale.ROOT))
            .append("\" x=\"")
            .append(fmt(x))
            .append("\" y=\"")
            .append(y + 5)
            .append("\" width=\"")
            .append(fmt(w))
            .append("\" height=\"")
            .append(LANE - 10)
            .append("\" fill=\"")
            .append(color(run.outcome()))
            .append("\"><title>")
            .append(escape(tooltip(run, zone)))
            .append("</title></rect>");
      }
      out.append("</g>");
      y += LANE;
    }
    out.append("</svg>");
    return out.toString();
  }

  private static String tooltip(CronRun run, ZoneId zone) {
    var text = new StringBuilder();
    text.append(
            run.outcome() == CronRun.Outcome.SUCCEEDED
                ? "Succeeded"
                : run.outcome() == CronRun.Outcome.FAILED ? "Failed" : "Running")
        .append(", started ")
        .append(Times.exact(run.start(), zone));
    run.lag().ifPresent(l -> text.append(", lag ").append(Times.took(l)));
    run.duration().ifPresent(d -> text.append(", took ").append(Times.took(d)));
    if (!run.message().isBlank()) {
      text.append(": ").append(clip(run.message(), 200));
    }
    return text.toString();
  }

  private static String color(CronRun.Outcome outcome) {
    return switch (outcome) {
      case SUCCEEDED -> "#2e7d32";
      case FAILED -> "#c62828";
      case RUNNING -> "#f9a825";
    };
  }

  static String clip(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }

  private static String fmt(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }

  /** Text and attribute values: the five XML specials, and control characters dropped. */
  static String escape(String text) {
    var out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      switch (ch) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> {
          if (ch >= 0x20 || ch == '\n' || ch == '\t') {
            out.append(ch);
          }
        }
      }
    }
    return out.toString();
  }

  /** For tests: the instant a mark's x position stands for. */
  static Instant at(Comparison comparison, double x) {
    double span = Duration.between(comparison.from(), comparison.to()).toMillis();
    int plot = WIDTH - LABEL - 10;
    return comparison.from().plusMillis((long) ((x - LABEL) / plot * span));
  }
}
