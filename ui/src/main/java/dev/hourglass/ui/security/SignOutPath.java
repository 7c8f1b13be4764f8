package dev.hourglass.ui.security;

/** Where views link to sign out, without depending on the servlet class. */
public final class SignOutPath {
  public static final String VALUE = "sign-out";

  private SignOutPath() {}
}
