package dev.hourglass.tenant;

import dev.hourglass.common.InvalidInputException;
import java.util.Locale;

/**
 * A mail address as typed; trimmed and checked for the obvious mistakes, compared ignoring case.
 */
public record EmailAddress(String value) {
  public EmailAddress {
    if (value == null || value.isBlank()) {
      throw new InvalidInputException("email", "Enter the mail address to invite.");
    }
    value = value.strip();
    if (value.length() > 254 || !value.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
      throw new InvalidInputException(
          "email", "'" + value + "' is not a mail address; use the form name@example.com.");
    }
  }

  public boolean sameAs(String other) {
    return other != null
        && value.toLowerCase(Locale.ROOT).equals(other.strip().toLowerCase(Locale.ROOT));
  }

  @Override
  public String toString() {
    return value;
  }
}
