package dev.hourglass.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** The app is deployed and answering; Payara serves it at {@code /health/live}. */
@Liveness
@ApplicationScoped
public class AppLiveness implements HealthCheck {
  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("hourglass").up().build();
  }
}
