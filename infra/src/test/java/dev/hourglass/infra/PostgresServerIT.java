package dev.hourglass.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresServerIT {

  @Test
  void embedded_postgres_creates_and_drops_a_uniquely_named_database() throws Exception {
    try (PostgresServer server = PostgresServer.embedded(null, 0)) {
      String first = server.createDatabase("tenant");
      String second = server.createDatabase("tenant");

      assertThat(first).matches("tenant_[a-z0-9]{8}").isNotEqualTo(second);
      assertThat(databaseExists(server, first)).isTrue();
      try (Connection c = server.connect(first);
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE t (id int)");
      }

      server.dropDatabase(first);

      assertThat(databaseExists(server, first)).isFalse();
      assertThat(databaseExists(server, second)).isTrue();
    }
  }

  @Test
  void dropping_a_database_ends_its_open_connections() throws Exception {
    try (PostgresServer server = PostgresServer.embedded(null, 0)) {
      String name = server.createDatabase("busy");
      try (Connection open = server.connect(name)) {
        server.dropDatabase(name);

        assertThat(databaseExists(server, name)).isFalse();
        assertThatThrownBy(() -> open.createStatement().execute("SELECT 1"))
            .isInstanceOf(SQLException.class);
      }
    }
  }

  @Test
  void embedded_postgres_keeps_its_data_directory_between_starts(@TempDir Path dir)
      throws Exception {
    Path data = dir.resolve("pgdata");
    try (PostgresServer server = PostgresServer.embedded(data, 0)) {
      assertThat(server.createDatabaseIfMissing("hourglass")).isTrue();
    }
    try (PostgresServer server = PostgresServer.embedded(data, 0)) {
      assertThat(server.createDatabaseIfMissing("hourglass")).isFalse();
      assertThat(databaseExists(server, "hourglass")).isTrue();
    }
  }

  @Test
  void embedded_postgres_listens_on_loopback_only_and_runs_as_root_too() throws Exception {
    try (PostgresServer server = PostgresServer.embedded(null, 0);
        Connection c = server.connect("postgres");
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SHOW listen_addresses")) {
      rows.next();
      assertThat(rows.getString(1)).isEqualTo("127.0.0.1");
      assertThat(server.jdbcUrl("x"))
          .isEqualTo("jdbc:postgresql://127.0.0.1:" + server.port() + "/x");
    }
  }

  @Test
  void external_postgres_uses_the_server_it_is_given_and_leaves_it_running() throws Exception {
    try (PostgresServer embedded = PostgresServer.embedded(null, 0)) {
      String adminUrl = embedded.jdbcUrl("postgres") + "?connectTimeout=5";
      String name;
      try (PostgresServer external = PostgresServer.external(adminUrl, "postgres", "")) {
        assertThat(external.port()).isEqualTo(embedded.port());
        assertThat(external.jdbcUrl("db1"))
            .isEqualTo("jdbc:postgresql://127.0.0.1:" + embedded.port() + "/db1?connectTimeout=5");
        name = external.createDatabase("ext");
        assertThat(databaseExists(external, name)).isTrue();
      }
      assertThat(databaseExists(embedded, name)).as("server still runs").isTrue();
    }
  }

  @Test
  void test_server_comes_from_the_environment_when_set() throws Exception {
    try (PostgresServer embedded = PostgresServer.embedded(null, 0);
        PostgresServer chosen =
            PostgresServer.fromEnvironmentOrEmbedded(
                java.util.Map.of(
                    PostgresServer.TEST_URL_VARIABLE,
                    embedded.jdbcUrl("postgres"),
                    PostgresServer.TEST_USER_VARIABLE,
                    "postgres"))) {
      assertThat(chosen).isInstanceOf(ExternalPostgres.class);
      assertThat(chosen.port()).isEqualTo(embedded.port());
    }
  }

  @Test
  void database_names_that_could_inject_sql_are_refused() {
    try (PostgresServer server =
        PostgresServer.external("jdbc:postgresql://127.0.0.1:1/postgres", "u", "p")) {
      assertThatThrownBy(() -> server.dropDatabase("x\"; DROP DATABASE postgres; --"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not allowed");
    }
  }

  private static boolean databaseExists(PostgresServer server, String name) throws SQLException {
    try (Connection c =
            DriverManager.getConnection(
                server.jdbcUrl("postgres"), server.user(), server.password());
        Statement s = c.createStatement();
        ResultSet rows =
            s.executeQuery("SELECT count(*) FROM pg_database WHERE datname = '" + name + "'")) {
      rows.next();
      return rows.getInt(1) == 1;
    }
  }
}
