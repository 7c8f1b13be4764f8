/**
 * Alerts' implementation: rules in JDBC ({@link dev.hourglass.alert.internal.StoredRules}), the
 * writer of events and their deliveries ({@link dev.hourglass.alert.internal.AlertEvents}), the
 * observer dispatch calls in the outcome's transaction, the sweep for missed runs and unreachable
 * databases, the outbox that mails them with retries, and the mail texts.
 */
package dev.hourglass.alert.internal;
