package dev.hourglass.alert.internal;

import dev.hourglass.alert.AlertKind;
import dev.hourglass.mail.OutgoingMail;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The texts of alert mails, plain and HTML: the subject names the team, database, action and what
 * happened; the body gives the error, attempt, next retry, last success and a link to the run's
 * page, with every time in the team's time zone.
 */
final class AlertMails {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z", Locale.ENGLISH);

  /** An event with the names it is about, as the outbox reads it. */
  record Named(
      AlertEvent event,
      java.util.UUID tenant,
      String tenantName,
      String databaseName,
      String actionName,
      Integer jobId) {}

  private final URI baseUrl;

  AlertMails(URI baseUrl) {
    this.baseUrl = baseUrl;
  }

  OutgoingMail single(String recipient, Named n, ZoneId zone) {
    var lines = facts(n, zone);
    var text = new StringBuilder(headline(n)).append("\n\n");
    lines.forEach((k, v) -> text.append(k).append(": ").append(v).append('\n'));
    text.append("\n-- \nHourglass alert rules: ").append(link("alerts")).append('\n');
    var html = new StringBuilder("<html><body><p><strong>");
    html.append(esc(headline(n))).append("</strong></p><table>");
    lines.forEach(
        (k, v) ->
            html.append("<tr><th align=\"left\" valign=\"top\">")
                .append(esc(k))
                .append("</th><td>")
                .append(
                    v.startsWith("http")
                        ? anchor(v)
                        : "<pre style=\"margin:0;white-space:pre-wrap\">" + esc(v) + "</pre>")
                .append("</td></tr>"));
    html.append("</table><p><a href=\"")
        .append(esc(link("alerts")))
        .append("\">Alert rules</a></p></body></html>");
    return new OutgoingMail(List.of(recipient), subject(n), text.toString(), html.toString());
  }

  OutgoingMail digest(String recipient, String tenantName, List<Named> items, ZoneId zone) {
    var subject =
        "[Hourglass] "
            + tenantName
            + ": daily digest, "
            + items.size()
            + (items.size() == 1 ? " alert" : " alerts");
    var text = new StringBuilder("Alerts of team " + tenantName + " since the last digest:\n\n");
    var html =
        new StringBuilder("<html><body><p>Alerts of team <strong>")
            .append(esc(tenantName))
            .append("</strong> since the last digest:</p><ol>");
    for (var n : items) {
      text.append("* ").append(headline(n)).append('\n');
      html.append("<li><p><strong>").append(esc(headline(n))).append("</strong></p><ul>");
      facts(n, zone)
          .forEach(
              (k, v) -> {
                text.append("    ").append(k).append(": ").append(v).append('\n');
                html.append("<li>")
                    .append(esc(k))
                    .append(": ")
                    .append(v.startsWith("http") ? anchor(v) : esc(v))
                    .append("</li>");
              });
      text.append('\n');
      html.append("</ul></li>");
    }
    html.append("</ol></body></html>");
    return new OutgoingMail(List.of(recipient), subject, text.toString(), html.toString());
  }

  String subject(Named n) {
    var parts = new ArrayList<String>();
    parts.add(n.tenantName());
    if (n.databaseName() != null) {
      parts.add(n.databaseName());
    }
    if (n.actionName() != null) {
      parts.add(n.actionName());
    }
    return "[Hourglass] " + String.join(" · ", parts) + ": " + what(n);
  }

  /** What happened, for the subject. */
  static String what(Named n) {
    var e = n.event();
    return switch (e.kind()) {
      case FAILED ->
          "failed"
              + (e.attempt() != null && e.attempt() > 1 ? " (attempt " + e.attempt() + ")" : "");
      case CONSECUTIVE_FAILURES -> "failed " + e.consecutiveFailures() + " times in a row";
      case AUTO_DISABLED -> "disabled after " + e.consecutiveFailures() + " failures in a row";
      case TIMED_OUT -> "timed out";
      case LATE -> "late: not started since it was due";
      case DOWN -> "down: still not started since it was due";
      case UNREACHABLE -> "database unreachable";
      case RECOVERED ->
          e.action() == null ? "database reachable again" : "recovered: succeeded again";
      case TEST -> "test mail";
    };
  }

  private String headline(Named n) {
    var e = n.event();
    var who =
        n.actionName() != null
            ? "Action " + n.actionName() + " on " + n.databaseName()
            : n.databaseName() != null ? "Database " + n.databaseName() : "Team " + n.tenantName();
    return switch (e.kind()) {
      case TEST ->
          "This is a test mail from Hourglass for team "
              + n.tenantName()
              + ". Alerts will reach you at this address.";
      default -> who + ": " + what(n) + ".";
    };
  }

  private Map<String, String> facts(Named n, ZoneId zone) {
    var e = n.event();
    var f = new java.util.LinkedHashMap<String, String>();
    f.put("Team", n.tenantName());
    if (n.databaseName() != null) {
      f.put("Database", n.databaseName());
    }
    if (n.actionName() != null) {
      f.put("Action", n.actionName() + (n.jobId() == null ? "" : " (job " + n.jobId() + ")"));
    }
    f.put("When", time(e.occurredAt(), zone));
    if (e.kind() == AlertKind.LATE || e.kind() == AlertKind.DOWN) {
      f.put("Due at", time(e.dueAt(), zone));
    }
    if (e.kind() == AlertKind.UNREACHABLE && e.message() != null) {
      f.put("Problem", e.message());
    }
    if (e.runId() != null && e.kind() != AlertKind.RECOVERED) {
      f.put("Status", status(e.runStatus()));
      var error = new StringBuilder();
      if (e.sqlState() != null) {
        error.append("SQLSTATE ").append(e.sqlState()).append(": ");
      }
      error.append(e.message() == null ? "(no message)" : e.message());
      f.put("Error", error.toString());
      if (e.detail() != null) {
        f.put("Detail", e.detail());
      }
      if (e.hint() != null) {
        f.put("Hint", e.hint());
      }
      if (e.attempt() != null) {
        f.put("Attempt", String.valueOf(e.attempt()));
      }
      if (e.consecutiveFailures() != null && e.consecutiveFailures() > 0) {
        f.put("Failures in a row", String.valueOf(e.consecutiveFailures()));
      }
      f.put(
          "Next retry",
          e.disabledReason() != null
              ? "none: the action is disabled (" + e.disabledReason() + "); resume it to run again"
              : e.nextStart() == null ? "none scheduled" : time(e.nextStart(), zone));
      f.put("Last success", e.lastSuccess() == null ? "never" : time(e.lastSuccess(), zone));
    }
    // The team in the address switches a member of several teams to the right one (RunView).
    if (e.runId() != null) {
      f.put("Run", link("runs/" + e.runId() + "?team=" + n.tenant()));
    } else if (e.action() != null) {
      f.put("Action page", link("actions/" + e.action()));
    } else if (e.database() != null) {
      f.put("Database page", link("databases/" + e.database()));
    }
    return f;
  }

  private static String status(String s) {
    if (s == null) {
      return "";
    }
    return switch (s) {
      case "FAILED" -> "Failed";
      case "TIMED_OUT" -> "Timed out (max_runtime)";
      case "CRASHED" -> "Crashed (its node stopped answering)";
      case "SUCCEEDED" -> "Succeeded";
      default -> s;
    };
  }

  private String link(String path) {
    var base = baseUrl.toString();
    return (base.endsWith("/") ? base : base + "/") + path;
  }

  static String time(Instant t, ZoneId zone) {
    return t == null ? "" : TIME.format(t.atZone(zone)) + " (" + zone.getId() + ")";
  }

  private static String anchor(String url) {
    return "<a href=\"" + esc(url) + "\">" + esc(url) + "</a>";
  }

  static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
