/**
 * JDBC implementation of the timescale feature: {@link
 * dev.hourglass.timescale.internal.NativeCatalog} reads TimescaleDB's job catalog
 * (version-tolerant, through {@code to_jsonb} of each row), {@link
 * dev.hourglass.timescale.internal.JdbcTimescaleJobs} adopts and hands back, {@link
 * dev.hourglass.timescale.internal.JdbcTemplates} checks forms and installs the SQL scripts next to
 * this package's classes.
 */
package dev.hourglass.timescale.internal;
