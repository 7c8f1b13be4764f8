package dev.hourglass.timescale;

/**
 * One entry of a template's config form, and the JSON key it fills.
 *
 * @param example shown as the placeholder, and the default when {@code defaultValue} is empty
 */
public record TemplateField(
    String key, String label, Type type, boolean required, String defaultValue, String help) {

  /** How a value is checked at the boundary and written into the config. */
  public enum Type {
    /** A PostgreSQL interval such as {@code 30 days}, longer than zero. */
    INTERVAL,
    /** An existing hypertable, {@code schema.name} or {@code name}. */
    HYPERTABLE,
    /** An existing table that is range-partitioned on one time-typed column. */
    PARTITIONED_TABLE,
    /** An existing table. */
    TABLE,
    /** An existing tablespace. */
    TABLESPACE,
    /** An existing index of the template's table. */
    INDEX,
    /** Column names separated by commas; written as a JSON array. */
    COLUMNS,
    /** A schema name. */
    SCHEMA,
    /** A LIKE pattern. */
    PATTERN
  }
}
