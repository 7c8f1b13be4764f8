package dev.hourglass.database;

import dev.hourglass.common.UserFacingException;

/** Saving was refused because the connection test failed; {@link #check()} says why. */
public class ConnectionFailedException extends UserFacingException {
  private static final long serialVersionUID = 1L;
  private final transient ConnectionCheck check;

  public ConnectionFailedException(ConnectionCheck check) {
    super(check.message() + " Nothing was saved.");
    this.check = check;
  }

  public ConnectionCheck check() {
    return check;
  }
}
