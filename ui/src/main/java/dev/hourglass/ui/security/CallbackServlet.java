package dev.hourglass.ui.security;

import dev.hourglass.tenant.TenantService;
import jakarta.inject.Inject;
import jakarta.security.enterprise.identitystore.openid.OpenIdContext;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Where Keycloak returns after sign-in. The OpenID mechanism has already validated the code and
 * tokens by the time this runs. It records the sign-in (the person's row and the audit, with the
 * address the browser connected from), then sends the person to the page an open entry point asked
 * for ({@link ReturnPath}, e.g. an invitation), else to the app root.
 */
@WebServlet(CallbackServlet.PATH)
public class CallbackServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  static final String PATH = "/callback";

  @Inject private transient OpenIdContext openId;
  @Inject private transient TenantService tenants;

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    // Every sign-in, the silent one after an expired session included, passes here once.
    tenants.recordSignIn(
        SignedInCaller.of(
            openId, ClientAddress.of(req.getRemoteAddr(), req.getHeaders("X-Forwarded-For"))));
    var target = ReturnPath.take(req.getSession(false)).orElse("/");
    resp.sendRedirect(req.getContextPath() + target);
  }
}
