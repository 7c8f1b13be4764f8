package dev.hourglass.ui.security;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The open page people land on after signing out. */
@WebServlet(SignedOutServlet.PATH)
public class SignedOutServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  static final String PATH = "/signed-out";

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    resp.setContentType("text/html;charset=UTF-8");
    resp.setHeader("Cache-Control", "no-store");
    resp.getWriter()
        .write(
            """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Signed out · Hourglass</title>
            <style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;color:#1a2733}
            a{color:#0b5cad}</style></head>
            <body><h1 id="signed-out">You are signed out of Hourglass</h1>
            <p>Your Hourglass and Keycloak sessions have ended.</p>
            <p><a id="sign-in-again" href="%s/">Sign in again</a></p></body></html>
            """
                .formatted(req.getContextPath()));
  }
}
