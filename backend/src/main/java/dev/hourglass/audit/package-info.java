/**
 * The change audit: who changed what in a team, when, from which address, and the fields before and
 * after, secrets masked. See docs/decisions/0014-20261126-change-audit.md.
 *
 * <p>Features record a change with {@link dev.hourglass.audit.Audit#record} on the connection of
 * the transaction that makes the change, so the change and its audit row commit or roll back
 * together. {@link dev.hourglass.audit.AuditService} reads a team's audit (admins and owners) and
 * exports it as CSV. The table is append-only for the app's database role (migration V7). Uses
 * {@code tenant}, {@code security}, {@code common}; no feature's types: callers pass plain fields.
 */
package dev.hourglass.audit;
