package dev.hourglass.alert.internal;

import dev.hourglass.alert.AlertKind;
import dev.hourglass.alert.AlertRule;
import dev.hourglass.dispatch.RecordedOutcome;
import dev.hourglass.dispatch.RunOutcomeObserver;
import dev.hourglass.dispatch.RunStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Turns recorded run outcomes into alerts, in the transaction that records them (dispatch calls it
 * through {@link RunOutcomeObserver}). A success costs one indexed delete (closing an open
 * problem); a failure reads the rule that applies and raises at most one alert, the most specific
 * kind the rule asks for.
 */
@ApplicationScoped
public class AlertOutcomeObserver implements RunOutcomeObserver {

  private AlertEvents events;

  /** For CDI's client proxy only. */
  protected AlertOutcomeObserver() {}

  @Inject
  public AlertOutcomeObserver(Clock clock) {
    this.events = new AlertEvents(clock);
  }

  @Override
  public void recorded(Connection c, RecordedOutcome o) throws SQLException {
    recordedAll(c, java.util.List.of(o));
  }

  /**
   * Successes close their open problems in one statement for the whole batch (the common case costs
   * one round trip per batch, not per run); each closed one may send a recovery mail.
   */
  @Override
  public void recordedAll(Connection c, java.util.List<RecordedOutcome> outcomes)
      throws SQLException {
    var succeeded = outcomes.stream().filter(o -> o.status() == RunStatus.SUCCEEDED).toList();
    if (!succeeded.isEmpty()) {
      var closed =
          AlertEvents.close(
              c,
              succeeded.get(0).tenant(),
              succeeded.stream().map(o -> AlertEvent.actionSubject(o.action().value())).toList());
      for (var o : succeeded) {
        if (closed.contains(AlertEvent.actionSubject(o.action().value()))) {
          var rule = StoredRules.forAction(c, o.tenant(), o.action().value(), o.database().value());
          if (rule.onRecovery()) {
            events.raise(c, o.tenant(), rule, event(o, AlertKind.RECOVERED, o.finishedAt()));
          }
        }
      }
    }
    for (var o : outcomes) {
      if (o.status() != RunStatus.SUCCEEDED) {
        failed(c, o);
      }
    }
  }

  private void failed(Connection c, RecordedOutcome o) throws SQLException {
    var rule = StoredRules.forAction(c, o.tenant(), o.action().value(), o.database().value());
    var kind = kindFor(rule, o);
    if (kind.isPresent()) {
      events.raise(c, o.tenant(), rule, event(o, kind.get(), lastSuccess(c, o)));
    }
  }

  /**
   * The one alert an unsuccessful outcome gives under {@code rule}, most specific first: disabled,
   * timed out, the n-th failure in a row, any failure.
   */
  static Optional<AlertKind> kindFor(AlertRule rule, RecordedOutcome o) {
    if (o.disabledReason().isPresent() && rule.onDisable()) {
      return Optional.of(AlertKind.AUTO_DISABLED);
    }
    if (o.status() == RunStatus.TIMED_OUT && rule.onTimeout()) {
      return Optional.of(AlertKind.TIMED_OUT);
    }
    if (rule.consecutiveFailures() > 0
        && o.status() != RunStatus.CRASHED
        && o.consecutiveFailures() == rule.consecutiveFailures()) {
      return Optional.of(AlertKind.CONSECUTIVE_FAILURES);
    }
    if (rule.onFailure()) {
      return Optional.of(AlertKind.FAILED);
    }
    return Optional.empty();
  }

  private static AlertEvent event(RecordedOutcome o, AlertKind kind, Instant lastSuccess) {
    return new AlertEvent(
        kind,
        AlertEvent.actionSubject(o.action().value()),
        o.action().value(),
        o.database().value(),
        o.runId(),
        o.finishedAt(),
        o.status().name(),
        o.attempt(),
        o.consecutiveFailures(),
        o.nextStart().orElse(null),
        o.disabledReason().orElse(null),
        lastSuccess,
        o.scheduledFor(),
        o.sqlState(),
        o.message(),
        o.detail(),
        o.hint());
  }

  private static Instant lastSuccess(Connection c, RecordedOutcome o) throws SQLException {
    try (var ps =
        c.prepareStatement(
            "select last_successful_finish from action where tenant_id = ? and id = ?")) {
      ps.setObject(1, o.tenant().value());
      ps.setObject(2, o.action().value());
      try (var rs = ps.executeQuery()) {
        if (rs.next() && rs.getTimestamp(1) != null) {
          return rs.getTimestamp(1).toInstant();
        }
        return null;
      }
    }
  }
}
