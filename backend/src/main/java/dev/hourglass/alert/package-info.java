/**
 * Failure alerts by mail: rules (the team's default, overridden per database and per action), the
 * events that run outcomes and the sweep produce, and their durable delivery through an outbox.
 * Root: the API for the UI ({@link dev.hourglass.alert.AlertService} and its records); {@code
 * internal}: JDBC, the outcome observer dispatch calls, the sweep, the outbox worker and the mail
 * texts. Uses {@code common}, {@code security}, {@code tenant}, {@code database}, {@code action},
 * {@code dispatch} (root only) and {@code mail}. See docs/decisions/0013-20261126-alerts.md.
 */
package dev.hourglass.alert;
