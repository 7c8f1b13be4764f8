package dev.hourglass.common;

/**
 * The caller may not do this here. Also thrown for things that do not exist in the caller's
 * tenants, with the same message, so ids of other tenants cannot be probed.
 */
public class AccessDeniedException extends UserFacingException {
  private static final long serialVersionUID = 1L;

  public AccessDeniedException(String message) {
    super(message);
  }
}
