package dev.hourglass.ui.tenant;

import dev.hourglass.ui.security.ReturnPath;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The link in an invitation mail, {@code /join?token=...}. Open (web.xml), because the invited
 * person is usually not signed in yet: it keeps the token in the session and sends them to the
 * signed-in {@link InvitationView}; the sign-in in between comes back there through {@link
 * ReturnPath}. Whether the token is real is decided by the backend once the person is known.
 */
@WebServlet(JoinServlet.PATH)
public class JoinServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  static final String PATH = "/join";

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    resp.setHeader("Cache-Control", "no-store");
    // The token must not leak to other sites through the Referer of the next page.
    resp.setHeader("Referrer-Policy", "no-referrer");
    var token = req.getParameter("token");
    if (!PendingInvitation.wellFormed(token)) {
      resp.setStatus(HttpServletResponse.SC_BAD_REQUEST);
      resp.setContentType("text/html;charset=UTF-8");
      resp.getWriter()
          .write(
              """
              <!doctype html>
              <html lang="en"><head><meta charset="utf-8"><title>Invitation · Hourglass</title>
              <style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;color:#1a2733}
              a{color:#0b5cad}</style></head>
              <body><h1 id="invitation-title">Invitation</h1>
              <p id="invitation-problem">This invitation link is not valid. Check that you opened the
              whole link from the mail, or ask for a new invitation.</p>
              <p><a href="%s/">Go to Hourglass</a></p></body></html>
              """
                  .formatted(req.getContextPath()));
      return;
    }
    var session = req.getSession(true);
    PendingInvitation.keep(session, token);
    var target = "/" + InvitationView.ROUTE;
    if (req.getUserPrincipal() == null) {
      ReturnPath.remember(session, target);
    }
    resp.sendRedirect(req.getContextPath() + target);
  }
}
