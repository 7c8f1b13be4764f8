package dev.hourglass.ui.security;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Where Keycloak returns after sign-in. The OpenID mechanism has already validated the code and
 * tokens by the time this runs; it sends the person to the page an open entry point asked for
 * ({@link ReturnPath}, e.g. an invitation), else to the app root.
 */
@WebServlet(CallbackServlet.PATH)
public class CallbackServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  static final String PATH = "/callback";

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    var target = ReturnPath.take(req.getSession(false)).orElse("/");
    resp.sendRedirect(req.getContextPath() + target);
  }
}
