package dev.hourglass.action;

import dev.hourglass.common.InvalidInputException;
import java.util.Objects;
import java.util.UUID;

/** Identifies an action; meaningful only together with its tenant. */
public record ActionId(UUID value) {
  public ActionId {
    Objects.requireNonNull(value, "value");
  }

  public static ActionId random() {
    return new ActionId(UUID.randomUUID());
  }

  /** Parses an id from a URL; a malformed one is refused like an unknown one. */
  public static ActionId parse(String text) {
    try {
      return new ActionId(UUID.fromString(text));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new InvalidInputException("action", "There is no action '" + text + "' here.");
    }
  }

  @Override
  public String toString() {
    return value.toString();
  }
}
