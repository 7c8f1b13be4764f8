package dev.hourglass.health;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/** Turns a probe's exception into a DOWN response with the reason, never an error page. */
final class Checks {

  interface Probe {
    void run(HealthCheckResponseBuilder builder) throws Exception;
  }

  private Checks() {}

  static HealthCheckResponse guarded(String name, Probe probe) {
    var builder = HealthCheckResponse.named(name);
    try {
      probe.run(builder);
      return builder.up().build();
    } catch (Exception e) {
      return HealthCheckResponse.named(name)
          .down()
          .withData("error", String.valueOf(e.getMessage()))
          .build();
    }
  }
}
