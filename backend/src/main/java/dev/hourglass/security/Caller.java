package dev.hourglass.security;

import dev.hourglass.common.InvalidInputException;
import java.util.Objects;

/**
 * The signed-in person, as the identity provider vouches for them, and the address their request
 * came from (for the audit).
 *
 * @param subject the OpenID Connect {@code sub}: stable, the key for memberships
 * @param username the {@code preferred_username}, shown where a short name fits
 * @param displayName the full name, or the user name when the provider has none
 * @param email the address, may be empty
 * @param address the network address the request came from, as the web tier saw it; empty when
 *     there is no request (background work, tests)
 */
public record Caller(
    String subject, String username, String displayName, String email, String address) {
  public Caller {
    Objects.requireNonNull(subject, "subject");
    if (subject.isBlank() || subject.length() > 255) {
      throw new InvalidInputException("subject", "The sign-in did not carry a usable subject.");
    }
    username = username == null || username.isBlank() ? subject : username;
    displayName = displayName == null || displayName.isBlank() ? username : displayName;
    email = email == null ? "" : email;
    address = address == null ? "" : address.strip();
    if (address.length() > 64) {
      // Never a real IPv4/IPv6 address: do not let a header fill the audit.
      address = address.substring(0, 64);
    }
  }

  /** A caller without a request address (background work, demo data, tests). */
  public Caller(String subject, String username, String displayName, String email) {
    this(subject, username, displayName, email, "");
  }

  /** The same person, calling from {@code address}. */
  public Caller from(String address) {
    return new Caller(subject, username, displayName, email, address);
  }
}
