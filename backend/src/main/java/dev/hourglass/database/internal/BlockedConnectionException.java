package dev.hourglass.database.internal;

import java.net.ConnectException;

/**
 * A connection the {@link dev.hourglass.database.NetworkPolicy} refused at connect time. pgjdbc
 * wraps it as the cause of its SQLException; the message is the policy's reason, fit for users.
 */
public final class BlockedConnectionException extends ConnectException {
  private static final long serialVersionUID = 1L;

  public BlockedConnectionException(String reason) {
    super(reason);
  }
}
