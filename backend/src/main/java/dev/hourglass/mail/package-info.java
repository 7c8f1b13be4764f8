/**
 * Sending mail through the configured SMTP server. Root: the gateway API; {@code internal}: the
 * Jakarta Mail implementation. Alerts build on it.
 */
package dev.hourglass.mail;
