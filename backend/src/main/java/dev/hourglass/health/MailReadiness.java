package dev.hourglass.health;

import dev.hourglass.mail.MailGateway;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** The SMTP server accepts a connection (and the login, when credentials are configured). */
@Readiness
@ApplicationScoped
public class MailReadiness implements HealthCheck {

  private MailGateway mail;

  /** For CDI's client proxy only. */
  protected MailReadiness() {}

  @Inject
  public MailReadiness(MailGateway mail) {
    this.mail = mail;
  }

  @Override
  public HealthCheckResponse call() {
    return Checks.guarded(
        "mail",
        b -> {
          mail.checkConnection();
          b.withData("smtp", "answers");
        });
  }
}
