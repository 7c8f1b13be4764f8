package dev.hourglass.database;

import dev.hourglass.common.InvalidInputException;
import java.util.Objects;

/**
 * What a person enters to register or edit a database.
 *
 * @param name how the team calls it, unique in the tenant (ignoring case), 1 to 80 characters
 * @param environment a free tag such as "production" or "staging"; may be empty
 * @param connection where and how to connect
 * @param keepStoredPassword on edit: ignore {@code connection.password()} and keep the stored one
 */
public record DatabaseDraft(
    String name, String environment, ConnectionSpec connection, boolean keepStoredPassword) {
  public DatabaseDraft {
    if (name == null || name.isBlank()) {
      throw new InvalidInputException("name", "Enter a name for the database.");
    }
    name = name.strip();
    if (name.length() > 80 || name.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidInputException(
          "name", "Use at most 80 characters without control characters for the name.");
    }
    environment = environment == null ? "" : environment.strip();
    if (!environment.matches("[\\p{L}\\p{N} _.-]{0,40}")) {
      throw new InvalidInputException(
          "environment",
          "Use at most 40 letters, digits, spaces, '.', '_' or '-' for the environment tag.");
    }
    Objects.requireNonNull(connection, "connection");
  }

  /** A draft for a new database: its password is the one entered. */
  public static DatabaseDraft of(String name, String environment, ConnectionSpec connection) {
    return new DatabaseDraft(name, environment, connection, false);
  }
}
