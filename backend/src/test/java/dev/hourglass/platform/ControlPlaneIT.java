package dev.hourglass.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.infra.FreePorts;
import dev.hourglass.testing.ControlPlaneDatabase;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ControlPlaneIT {

  @RegisterExtension static ControlPlaneDatabase db = new ControlPlaneDatabase();

  @Test
  void migrating_creates_the_tenant_tables_and_is_repeatable() throws SQLException {
    assertThat(db.controlPlane().migrate()).isEqualTo("10");
    try (var c = db.dataSource().getConnection();
        var rs =
            c.createStatement()
                .executeQuery(
                    "select count(*) from information_schema.tables where table_name in"
                        + " ('person','tenant','membership')")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(3);
    }
  }

  @Test
  void a_schema_newer_than_the_code_stops_the_start_with_a_clear_message() throws SQLException {
    var name = ControlPlaneDatabase.server().createDatabase("hg_future");
    var settings =
        new Settings.Database(
            ControlPlaneDatabase.server().jdbcUrl(name),
            ControlPlaneDatabase.server().user(),
            ControlPlaneDatabase.server().password(),
            db.appRole().name(),
            db.appRole().password(),
            2);
    try (var cp = ControlPlane.open(settings)) {
      cp.migrate();
      try (var c = cp.ownerDataSource().getConnection();
          var s = c.createStatement()) {
        s.executeUpdate(
            "insert into hourglass_schema_history (installed_rank, version, description, type,"
                + " script, checksum, installed_by, execution_time, success) values (99, '99',"
                + " 'from the future', 'SQL', 'V99__from_the_future.sql', 0, 'test', 1, true)");
      }
      assertThatThrownBy(cp::migrate)
          .isInstanceOf(StartupException.class)
          .hasMessageContaining("version 99")
          .hasMessageContaining("newer than this build");
    } finally {
      ControlPlaneDatabase.server().dropDatabase(name);
    }
  }

  @Test
  void an_unreachable_database_is_named_without_leaking_the_password() {
    var port = FreePorts.pick();
    var settings =
        new Settings.Database(
            "jdbc:postgresql://127.0.0.1:" + port + "/hourglass",
            "hourglass",
            "pa55-secret",
            "hourglass_app",
            "app-secret",
            2);
    assertThatThrownBy(() -> ControlPlane.open(settings))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("127.0.0.1:" + port)
        .hasMessageContaining("refused")
        .hasMessageContaining("HOURGLASS_DB_URL")
        .hasMessageNotContaining("pa55-secret");
  }

  @Test
  void a_missing_database_is_reported_as_missing() {
    var settings =
        new Settings.Database(
            ControlPlaneDatabase.server().jdbcUrl("hg_no_such_database"),
            ControlPlaneDatabase.server().user(),
            ControlPlaneDatabase.server().password(),
            "hourglass_app",
            "",
            2);
    assertThatThrownBy(() -> ControlPlane.open(settings))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void an_app_role_that_could_bypass_row_level_security_stops_the_start() {
    var name = ControlPlaneDatabase.server().createDatabase("hg_superapp");
    // The server's admin user is a superuser; as app role it would see every tenant's rows.
    var settings =
        new Settings.Database(
            ControlPlaneDatabase.server().jdbcUrl(name),
            ControlPlaneDatabase.server().user(),
            ControlPlaneDatabase.server().password(),
            ControlPlaneDatabase.server().user(),
            ControlPlaneDatabase.server().password(),
            2);
    try (var cp = ControlPlane.open(settings)) {
      assertThatThrownBy(cp::migrate)
          .isInstanceOf(StartupException.class)
          .hasMessageContaining("is a superuser")
          .hasMessageContaining("HOURGLASS_DB_APP_USER");
    } finally {
      ControlPlaneDatabase.server().dropDatabase(name);
    }
  }
}
