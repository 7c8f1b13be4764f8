package dev.hourglass.timescale;

import dev.hourglass.timescale.TemplateField.Type;
import java.util.List;

/**
 * The ready-made actions, written after the examples of TimescaleDB's documentation on user-defined
 * actions (and two plain-PostgreSQL counterparts). Each installs a procedure and its check_config
 * function, named {@link #procedure()} and {@link #check()} in the chosen schema.
 */
public enum Template {
  GENERIC_RETENTION(
      "Generic retention",
      "Drops the chunks older than drop_after of every hypertable (optionally of one schema, or"
          + " those whose name matches a pattern). One transaction per hypertable.",
      Needs.TIMESCALEDB,
      "hourglass_drop_old_chunks",
      "generic-retention.sql",
      "1 day",
      List.of(
          new TemplateField(
              "drop_after", "Drop chunks older than", Type.INTERVAL, true, "30 days", ""),
          new TemplateField(
              "schema_name", "Only in schema", Type.SCHEMA, false, "", "Empty: all schemas."),
          new TemplateField(
              "table_pattern",
              "Only hypertables named like",
              Type.PATTERN,
              false,
              "",
              "A LIKE pattern such as metrics%; empty: all."))),
  TIERED_STORAGE(
      "Tiered storage",
      "Moves the chunks of a hypertable older than lag to another tablespace (indexes to the index"
          + " tablespace, optionally reordered by an index), skipping those already there.",
      Needs.TIMESCALEDB_TABLESPACES,
      "hourglass_move_old_chunks",
      "tiered-storage.sql",
      "1 day",
      List.of(
          new TemplateField("hypertable", "Hypertable", Type.HYPERTABLE, true, "", ""),
          new TemplateField("lag", "Move chunks older than", Type.INTERVAL, true, "30 days", ""),
          new TemplateField(
              "destination_tablespace", "Destination tablespace", Type.TABLESPACE, true, "", ""),
          new TemplateField(
              "index_destination_tablespace",
              "Index tablespace",
              Type.TABLESPACE,
              false,
              "",
              "Empty: the destination tablespace."),
          new TemplateField(
              "reorder_index",
              "Reorder by index",
              Type.INDEX,
              false,
              "",
              "Optional: an index of the hypertable to order the moved rows by."))),
  DOWNSAMPLE_AND_COMPRESS(
      "Downsample and compress",
      "For each uncompressed chunk of a hypertable older than lag, replaces the raw rows by"
          + " time_bucket averages and compresses the chunk, committing per chunk.",
      Needs.TIMESCALEDB_COMPRESSION,
      "hourglass_downsample_compress",
      "downsample-compress.sql",
      "1 day",
      List.of(
          new TemplateField("hypertable", "Hypertable", Type.HYPERTABLE, true, "", ""),
          new TemplateField("lag", "Chunks older than", Type.INTERVAL, true, "7 days", ""),
          new TemplateField("bucket", "Bucket width", Type.INTERVAL, true, "1 hour", ""),
          new TemplateField(
              "average",
              "Columns to average",
              Type.COLUMNS,
              true,
              "",
              "Numeric columns, separated by commas."),
          new TemplateField(
              "group_by",
              "Group by columns",
              Type.COLUMNS,
              false,
              "",
              "E.g. device_id; other columns of the downsampled rows are left empty."))),
  BACKFILL(
      "Backfill on schedule",
      "Moves the rows of a staging table into a hypertable (the columns they share), decompressing"
          + " the compressed chunks they fall into and compressing them again.",
      Needs.TIMESCALEDB,
      "hourglass_backfill",
      "backfill.sql",
      "1 hour",
      List.of(
          new TemplateField("staging_table", "Staging table", Type.TABLE, true, "", ""),
          new TemplateField("hypertable", "Hypertable", Type.HYPERTABLE, true, "", ""))),
  PARTITION_RETENTION(
      "Partition retention (PostgreSQL)",
      "Detaches and drops the partitions of range-partitioned tables whose upper bound is older"
          + " than drop_after (optionally of one schema, or tables named like a pattern).",
      Needs.PARTITIONED_TABLES,
      "hourglass_drop_old_partitions",
      "partition-retention.sql",
      "1 day",
      List.of(
          new TemplateField(
              "drop_after", "Drop partitions older than", Type.INTERVAL, true, "90 days", ""),
          new TemplateField(
              "schema_name", "Only in schema", Type.SCHEMA, false, "", "Empty: all schemas."),
          new TemplateField(
              "table_pattern",
              "Only tables named like",
              Type.PATTERN,
              false,
              "",
              "A LIKE pattern such as events%; empty: all."))),
  PARTITION_TIERED_STORAGE(
      "Partition tiered storage (PostgreSQL)",
      "Moves the partitions of a range-partitioned table whose upper bound is older than lag, and"
          + " their indexes, to another tablespace, skipping those already there.",
      Needs.PARTITIONED_TABLES_TABLESPACES,
      "hourglass_move_old_partitions",
      "partition-tiered-storage.sql",
      "1 day",
      List.of(
          new TemplateField("table", "Partitioned table", Type.PARTITIONED_TABLE, true, "", ""),
          new TemplateField(
              "lag", "Move partitions older than", Type.INTERVAL, true, "30 days", ""),
          new TemplateField(
              "destination_tablespace", "Destination tablespace", Type.TABLESPACE, true, "", ""),
          new TemplateField(
              "index_destination_tablespace",
              "Index tablespace",
              Type.TABLESPACE,
              false,
              "",
              "Empty: the destination tablespace.")));

  /** What the database must offer for the template to work. */
  public enum Needs {
    TIMESCALEDB,
    TIMESCALEDB_COMPRESSION,
    TIMESCALEDB_TABLESPACES,
    PARTITIONED_TABLES,
    PARTITIONED_TABLES_TABLESPACES
  }

  private final String title;
  private final String description;
  private final Needs needs;
  private final String procedure;
  private final String script;
  private final String defaultInterval;
  private final List<TemplateField> fields;

  Template(
      String title,
      String description,
      Needs needs,
      String procedure,
      String script,
      String defaultInterval,
      List<TemplateField> fields) {
    this.title = title;
    this.description = description;
    this.needs = needs;
    this.procedure = procedure;
    this.script = script;
    this.defaultInterval = defaultInterval;
    this.fields = fields;
  }

  public String title() {
    return title;
  }

  public String description() {
    return description;
  }

  public Needs needs() {
    return needs;
  }

  /** The procedure's name (its schema is chosen at install). */
  public String procedure() {
    return procedure;
  }

  /** The check_config function's name. */
  public String check() {
    return procedure + "_check";
  }

  /** The resource in {@code dev/hourglass/timescale/internal} with the SQL it installs. */
  public String script() {
    return script;
  }

  public String defaultInterval() {
    return defaultInterval;
  }

  public List<TemplateField> fields() {
    return fields;
  }

  public boolean forTimescaleDb() {
    return needs == Needs.TIMESCALEDB
        || needs == Needs.TIMESCALEDB_COMPRESSION
        || needs == Needs.TIMESCALEDB_TABLESPACES;
  }
}
