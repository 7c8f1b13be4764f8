package dev.hourglass.ui.security;

import dev.hourglass.platform.Settings;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;

/** Applies HOURGLASS_SESSION_TIMEOUT_MINUTES to every new HTTP session. */
@WebListener
public class SessionTimeout implements HttpSessionListener {

  @Inject private Settings settings;

  @Override
  public void sessionCreated(HttpSessionEvent event) {
    event.getSession().setMaxInactiveInterval((int) settings.sessionTimeout().toSeconds());
  }
}
