/**
 * The audit's implementation: JDBC writes and reads, the JSON diff with secrets masked, and the CSV
 * export.
 */
package dev.hourglass.audit.internal;
