package dev.hourglass.ui.security;

import jakarta.servlet.http.HttpSession;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where {@link CallbackServlet} sends the person after sign-in, when an open entry point (such as
 * the invitation link) asked for a page other than the app root. Kept in the HTTP session because
 * {@code redirectToOriginalResource} cannot be used with Vaadin.
 *
 * <p>Only paths inside this app are kept: one leading slash, then path characters. Absolute URLs,
 * protocol-relative ({@code //host}) and backslash tricks are refused, so the callback can never be
 * turned into an open redirect.
 */
public final class ReturnPath {

  private static final String ATTRIBUTE = ReturnPath.class.getName();
  private static final Pattern SAFE = Pattern.compile("/(?![/\\\\])[A-Za-z0-9/_-]{0,100}");

  private ReturnPath() {}

  /** True when {@code path} is a path inside this app that may be redirected to. */
  public static boolean isSafe(String path) {
    return path != null && SAFE.matcher(path).matches() && !path.contains("//");
  }

  /** Remembers {@code path} (relative to the context root) for the next sign-in callback. */
  public static void remember(HttpSession session, String path) {
    if (!isSafe(path)) {
      throw new IllegalArgumentException("Not a path inside the app: " + path);
    }
    session.setAttribute(ATTRIBUTE, path);
  }

  /** The remembered path, forgotten as it is taken; empty when none was kept or it is unsafe. */
  static Optional<String> take(HttpSession session) {
    if (session == null) {
      return Optional.empty();
    }
    var value = session.getAttribute(ATTRIBUTE);
    session.removeAttribute(ATTRIBUTE);
    return value instanceof String path && isSafe(path) ? Optional.of(path) : Optional.empty();
  }
}
