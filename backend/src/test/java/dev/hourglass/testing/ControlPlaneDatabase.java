package dev.hourglass.testing;

import dev.hourglass.infra.PostgresServer;
import dev.hourglass.platform.ControlPlane;
import dev.hourglass.platform.Settings;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A freshly created and migrated control-plane database per test class, on a real PostgreSQL
 * (embedded, or the one HOURGLASS_TEST_PG_URL names), dropped afterwards.
 *
 * <p>Use with {@code @RegisterExtension static ControlPlaneDatabase db = new
 * ControlPlaneDatabase();}.
 */
public final class ControlPlaneDatabase implements BeforeAllCallback, AfterAllCallback {

  private String name;
  private PostgresServer.LoginRole appRole;
  private ControlPlane controlPlane;

  @Override
  public void beforeAll(ExtensionContext context) {
    name = server().createDatabase("hg_test");
    appRole = server().createLoginRole("hg_app");
    controlPlane = ControlPlane.open(settings());
    controlPlane.migrate();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (controlPlane != null) {
      controlPlane.close();
    }
    if (name != null) {
      server().dropDatabase(name);
    }
    if (appRole != null) {
      server().dropRole(appRole.name());
    }
  }

  public static PostgresServer server() {
    return SharedPostgres.get();
  }

  public Settings.Database settings() {
    return new Settings.Database(
        server().jdbcUrl(name),
        server().user(),
        server().password(),
        appRole.name(),
        appRole.password(),
        5);
  }

  /** Connections as the app role: row-level security applies. */
  public DataSource dataSource() {
    return controlPlane.dataSource();
  }

  /** Connections as the owner role, for arranging data past row-level security. */
  public DataSource ownerDataSource() {
    return controlPlane.ownerDataSource();
  }

  public PostgresServer.LoginRole appRole() {
    return appRole;
  }

  public ControlPlane controlPlane() {
    return controlPlane;
  }

  public String name() {
    return name;
  }
}
