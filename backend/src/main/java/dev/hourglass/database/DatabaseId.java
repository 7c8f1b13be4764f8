package dev.hourglass.database;

import dev.hourglass.common.InvalidInputException;
import java.util.Objects;
import java.util.UUID;

/** Identifies a registered database; meaningful only together with its tenant. */
public record DatabaseId(UUID value) {
  public DatabaseId {
    Objects.requireNonNull(value, "value");
  }

  public static DatabaseId random() {
    return new DatabaseId(UUID.randomUUID());
  }

  /** Parses an id from a URL; a malformed one is refused like an unknown one. */
  public static DatabaseId parse(String text) {
    try {
      return new DatabaseId(UUID.fromString(text));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new InvalidInputException("database", "There is no database '" + text + "' here.");
    }
  }

  @Override
  public String toString() {
    return value.toString();
  }
}
