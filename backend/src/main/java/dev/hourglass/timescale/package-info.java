/**
 * TimescaleDB side by side: the native jobs of a team's TimescaleDB database (listed, adopted into
 * Hourglass and handed back) and ready-made templates from the ideas of TimescaleDB's documentation
 * (retention, tiered storage, downsample and compress, backfill, and plain-PostgreSQL partition
 * variants). Decision docs/decisions/0016-20261126-timescaledb-jobs-and-templates.md.
 *
 * <p>The root package is the API ({@link dev.hourglass.timescale.TimescaleJobs}, {@link
 * dev.hourglass.timescale.Templates}); {@code internal} reads and changes the target through {@link
 * dev.hourglass.database.DatabaseConnections} and creates actions only through {@link
 * dev.hourglass.action.ActionService} and {@link dev.hourglass.action.ActionAuthoring}, so all
 * their checks apply. Uses {@code action}, {@code database}, {@code schedule}, {@code tenant},
 * {@code security}, {@code common}.
 */
package dev.hourglass.timescale;
