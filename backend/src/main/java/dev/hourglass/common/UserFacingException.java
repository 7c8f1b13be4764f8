package dev.hourglass.common;

/**
 * A failure the person at the screen caused or can fix; its message is written for them.
 *
 * <p>Messages say what was wrong and what to do, and never carry secrets or stack details.
 */
public class UserFacingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UserFacingException(String message) {
    super(message);
  }
}
