package dev.hourglass.security;

import dev.hourglass.common.InvalidInputException;
import java.util.Objects;

/**
 * The signed-in person, as the identity provider vouches for them.
 *
 * @param subject the OpenID Connect {@code sub}: stable, the key for memberships
 * @param username the {@code preferred_username}, shown where a short name fits
 * @param displayName the full name, or the user name when the provider has none
 * @param email the address, may be empty
 */
public record Caller(String subject, String username, String displayName, String email) {
  public Caller {
    Objects.requireNonNull(subject, "subject");
    if (subject.isBlank() || subject.length() > 255) {
      throw new InvalidInputException("subject", "The sign-in did not carry a usable subject.");
    }
    username = username == null || username.isBlank() ? subject : username;
    displayName = displayName == null || displayName.isBlank() ? username : displayName;
    email = email == null ? "" : email;
  }
}
