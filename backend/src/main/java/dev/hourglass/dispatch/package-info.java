/**
 * Dispatch: turns the actions' schedules into runs on the tenants' databases, exactly once per
 * slot, on time, with per-tenant and per-database caps, and keeps each run's record and the
 * actions' statistics (TimescaleDB's job_stats). See docs/decisions/0012-20261126-dispatch.md.
 */
package dev.hourglass.dispatch;
