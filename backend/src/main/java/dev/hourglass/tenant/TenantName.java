package dev.hourglass.tenant;

import dev.hourglass.common.InvalidInputException;

/** A team's name: trimmed, 1 to 80 characters, no control characters. */
public record TenantName(String value) {
  public static final int MAX_LENGTH = 80;

  public TenantName {
    if (value == null || value.isBlank()) {
      throw new InvalidInputException("name", "Enter a name for the team.");
    }
    value = value.strip();
    if (value.length() > MAX_LENGTH) {
      throw new InvalidInputException(
          "name",
          "The team name is " + value.length() + " characters; use at most " + MAX_LENGTH + ".");
    }
    if (value.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidInputException(
          "name",
          "The team name contains a control character; use letters, digits and punctuation.");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
