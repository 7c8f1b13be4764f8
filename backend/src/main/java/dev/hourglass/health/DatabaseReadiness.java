package dev.hourglass.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import javax.sql.DataSource;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** The control-plane database answers a query within 3 seconds. */
@Readiness
@ApplicationScoped
public class DatabaseReadiness implements HealthCheck {

  private DataSource dataSource;

  /** For CDI's client proxy only. */
  protected DatabaseReadiness() {}

  @Inject
  public DatabaseReadiness(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public HealthCheckResponse call() {
    return Checks.guarded(
        "database",
        b -> {
          try (var c = dataSource.getConnection();
              var s = c.createStatement()) {
            s.setQueryTimeout(3);
            try (var rs = s.executeQuery("select current_setting('server_version')")) {
              rs.next();
              b.withData("serverVersion", rs.getString(1));
            }
          }
        });
  }
}
