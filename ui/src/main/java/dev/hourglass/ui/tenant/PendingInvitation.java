package dev.hourglass.ui.tenant;

import com.vaadin.flow.server.WrappedSession;
import jakarta.servlet.http.HttpSession;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The invitation token from a join link, kept in the HTTP session between the open {@code /join}
 * link and the signed-in {@link InvitationView}, so it crosses the Keycloak sign-in without being
 * put into a URL the app redirects to.
 */
final class PendingInvitation {

  private static final String ATTRIBUTE = PendingInvitation.class.getName();

  /** The shape of a token the backend issues: 32 random bytes, base64url without padding. */
  private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{43}");

  private PendingInvitation() {}

  static boolean wellFormed(String token) {
    return token != null && SHAPE.matcher(token).matches();
  }

  static void keep(HttpSession session, String token) {
    if (!wellFormed(token)) {
      throw new IllegalArgumentException("not an invitation token");
    }
    session.setAttribute(ATTRIBUTE, token);
  }

  static Optional<String> in(WrappedSession session) {
    return session.getAttribute(ATTRIBUTE) instanceof String token && wellFormed(token)
        ? Optional.of(token)
        : Optional.empty();
  }

  static void forget(WrappedSession session) {
    session.removeAttribute(ATTRIBUTE);
  }
}
