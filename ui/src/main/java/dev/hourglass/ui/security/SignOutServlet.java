package dev.hourglass.ui.security;

import jakarta.inject.Inject;
import jakarta.security.enterprise.identitystore.openid.OpenIdContext;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Ends the app session and then the Keycloak session (RP-initiated logout), so that signing in
 * again asks for the password instead of silently reusing the single sign-on session.
 */
@WebServlet(SignOutServlet.PATH)
public class SignOutServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  public static final String PATH = "/sign-out";

  @Inject private transient OpenIdContext openId;
  @Inject private transient OidcSettings oidc;

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String idToken = null;
    String endSession = null;
    try {
      idToken = openId.getIdentityToken().getToken();
      endSession = openId.getProviderMetadata().getString("end_session_endpoint", null);
    } catch (RuntimeException e) {
      // No OpenID context (already expired): there is no provider session left to end.
    }
    // Invalidating the session drops the stored tokens and the caller. request.logout() is not
    // called: Payara's OpenID mechanism answers it with its own redirect and commits the response.
    var session = req.getSession(false);
    if (session != null) {
      session.invalidate();
    }
    if (endSession == null) {
      resp.sendRedirect(oidc.getSignedOutUri());
      return;
    }
    var target =
        endSession
            + "?client_id="
            + encode(oidc.getClientId())
            + "&post_logout_redirect_uri="
            + encode(oidc.getSignedOutUri())
            + (idToken == null ? "" : "&id_token_hint=" + encode(idToken));
    resp.sendRedirect(target);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
