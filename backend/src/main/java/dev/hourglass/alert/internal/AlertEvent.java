package dev.hourglass.alert.internal;

import dev.hourglass.alert.AlertKind;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** The facts of one alert as they were when it was raised; kept in alert_event. */
record AlertEvent(
    AlertKind kind,
    String subject,
    UUID action,
    UUID database,
    Long runId,
    Instant occurredAt,
    String runStatus,
    Integer attempt,
    Integer consecutiveFailures,
    Instant nextStart,
    String disabledReason,
    Instant lastSuccess,
    Instant dueAt,
    String sqlState,
    String message,
    String detail,
    String hint) {

  AlertEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(occurredAt, "occurredAt");
  }

  static String actionSubject(UUID action) {
    return "action:" + action;
  }

  static String databaseSubject(UUID database) {
    return "database:" + database;
  }

  static AlertEvent about(AlertKind kind, String subject, UUID action, UUID database, Instant at) {
    return new AlertEvent(
        kind, subject, action, database, null, at, null, null, null, null, null, null, null, null,
        null, null, null);
  }

  AlertEvent withDue(Instant due) {
    return new AlertEvent(
        kind,
        subject,
        action,
        database,
        runId,
        occurredAt,
        runStatus,
        attempt,
        consecutiveFailures,
        nextStart,
        disabledReason,
        lastSuccess,
        due,
        sqlState,
        message,
        detail,
        hint);
  }

  AlertEvent withProblem(String problem) {
    return new AlertEvent(
        kind,
        subject,
        action,
        database,
        runId,
        occurredAt,
        runStatus,
        attempt,
        consecutiveFailures,
        nextStart,
        disabledReason,
        lastSuccess,
        dueAt,
        sqlState,
        problem,
        detail,
        hint);
  }
}
