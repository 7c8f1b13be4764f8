package dev.hourglass.database.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.hourglass.database.Capabilities;
import dev.hourglass.database.ConnectionCheck;
import dev.hourglass.database.ConnectionProblem;
import dev.hourglass.database.ConnectionSpec;
import dev.hourglass.database.NetworkPolicy;
import dev.hourglass.database.SslMode;
import dev.hourglass.infra.FreePorts;
import dev.hourglass.testing.ScratchPostgres;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.Driver;

/**
 * Every connection problem produced for real: two throw-away PostgreSQL servers with password
 * authentication, one accepting only SSL, one with SSL off.
 */
class ConnectionProbeIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final NetworkPolicy OPEN = NetworkPolicy.of(List.of(), List.of(), List.of());

  private static ScratchPostgres ssl;
  private static ScratchPostgres plain;
  private static String owner;
  private static String ownerPassword;
  private static String reader;
  private static String readerPassword;
  private static String database;
  private static String lockedDatabase;
  private static String plainUser;
  private static String plainPassword;
  private static String plainDatabase;

  private final ConnectionProbe probe = new ConnectionProbe(TIMEOUT);

  @BeforeAll
  static void startServers() {
    ssl = ScratchPostgres.withSsl();
    ownerPassword = ScratchPostgres.randomPassword();
    owner = ssl.createUser("owner", ownerPassword);
    readerPassword = ScratchPostgres.randomPassword();
    reader = ssl.createUser("reader", readerPassword);
    database = ssl.createDatabase("app", owner);
    // As PostgreSQL 15 and later set it up (zonky's binaries are 14): schema public belongs to the
    // database owner, and PUBLIC may not create in it.
    ssl.execute(
        database,
        "revoke create on schema public from public",
        "alter schema public owner to " + owner);
    lockedDatabase = ssl.createDatabase("locked", owner);
    ssl.execute("postgres", "revoke connect on database " + lockedDatabase + " from public");

    plain = ScratchPostgres.withoutSsl();
    plainPassword = ScratchPostgres.randomPassword();
    plainUser = plain.createUser("plain", plainPassword);
    plainDatabase = plain.createDatabase("plain", plainUser);
  }

  @AfterAll
  static void stopServers() {
    if (ssl != null) {
      ssl.close();
    }
    if (plain != null) {
      plain.close();
    }
  }

  private static ConnectionSpec verifiedOwner(String host) {
    return new ConnectionSpec(
        host,
        ssl.port(),
        database,
        owner,
        ownerPassword,
        SslMode.VERIFY_FULL,
        ssl.caCertificatePem());
  }

  private static void assertFailed(
      ConnectionCheck check, ConnectionProblem problem, String password, String... phrases) {
    assertThat(check.ok()).as(check.message()).isFalse();
    assertThat(check.problem()).as(check.message()).contains(problem);
    assertThat(check.capabilities()).isEmpty();
    assertThat(check.message()).contains(phrases).doesNotContain(password);
    assertThat(check.took()).isLessThan(Duration.ofSeconds(8));
  }

  @Test
  void a_host_that_does_not_resolve_is_reported_by_name() {
    var spec =
        new ConnectionSpec(
            "no-such-host.invalid", 5432, "app", "u", "Secret-1", SslMode.REQUIRE, null);
    assertFailed(
        probe.check(spec, OPEN),
        ConnectionProblem.UNKNOWN_HOST,
        "Secret-1",
        "no-such-host.invalid does not resolve");
  }

  @Test
  void a_port_nothing_listens_on_is_reported_as_refused() {
    int port = FreePorts.pick();
    var spec = new ConnectionSpec("127.0.0.1", port, "app", "u", "Secret-1", SslMode.PREFER, null);
    assertFailed(
        probe.check(spec, OPEN),
        ConnectionProblem.REFUSED,
        "Secret-1",
        "Nothing accepts connections at 127.0.0.1 port " + port);
  }

  @Test
  void a_server_that_accepts_but_never_answers_is_reported_as_timed_out() throws Exception {
    // The kernel completes the TCP handshake for the backlog; nobody ever reads or writes.
    try (var silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      var spec =
          new ConnectionSpec(
              "127.0.0.1", silent.getLocalPort(), "app", "u", "Secret-1", SslMode.DISABLE, null);
      var check = probe.check(spec, OPEN);
      assertFailed(
          check,
          ConnectionProblem.TIMED_OUT,
          "Secret-1",
          "127.0.0.1 port " + silent.getLocalPort() + " did not answer in time");
      assertThat(check.took()).isGreaterThanOrEqualTo(TIMEOUT.minusMillis(100));
    }
  }

  @Test
  void wrong_password_is_reported_without_the_password() {
    String wrong = "Wrong-" + ScratchPostgres.randomPassword();
    var check = probe.check(verifiedOwner("localhost").withPassword(wrong), OPEN);
    assertFailed(
        check, ConnectionProblem.WRONG_PASSWORD, wrong, "rejected the password of user " + owner);
    assertThat(check.message()).doesNotContain(ownerPassword);
  }

  @Test
  void a_missing_password_is_reported_as_the_password_problem() {
    var check = probe.check(verifiedOwner("localhost").withPassword(""), OPEN);
    assertFailed(
        check,
        ConnectionProblem.WRONG_PASSWORD,
        ownerPassword,
        "asks user " + owner + " for a password");
  }

  @Test
  void a_server_that_accepts_only_encrypted_connections_is_reported_when_ssl_is_disabled() {
    var spec =
        new ConnectionSpec(
            "127.0.0.1", ssl.port(), database, owner, ownerPassword, SslMode.DISABLE, null);
    assertFailed(
        probe.check(spec, OPEN),
        ConnectionProblem.SSL_REQUIRED,
        ownerPassword,
        "accepts only encrypted connections",
        "instead of disable");
  }

  @Test
  void a_server_without_ssl_is_reported_when_ssl_is_required() {
    var spec =
        new ConnectionSpec(
            "127.0.0.1",
            plain.port(),
            plainDatabase,
            plainUser,
            plainPassword,
            SslMode.REQUIRE,
            null);
    assertFailed(
        probe.check(spec, OPEN),
        ConnectionProblem.SSL_NOT_SUPPORTED,
        plainPassword,
        "does not support SSL");
  }

  @Test
  void the_same_server_without_ssl_connects_with_ssl_disabled() {
    var spec =
        new ConnectionSpec(
            "127.0.0.1",
            plain.port(),
            plainDatabase,
            plainUser,
            plainPassword,
            SslMode.DISABLE,
            null);
    var check = probe.check(spec, OPEN);
    assertThat(check.ok()).as(check.message()).isTrue();
  }

  @Test
  void a_certificate_not_signed_by_the_given_ca_is_reported() {
    var spec =
        new ConnectionSpec(
            "localhost",
            ssl.port(),
            database,
            owner,
            ownerPassword,
            SslMode.VERIFY_CA,
            ssl.otherCaCertificatePem());
    assertFailed(
        probe.check(spec, OPEN),
        ConnectionProblem.SSL_CERTIFICATE,
        ownerPassword,
        "not signed by the CA certificate you gave");
  }

  @Test
  void verify_full_reports_a_certificate_issued_for_another_host_name() {
    // The certificate names localhost only; 127.0.0.1 is the same server under another name.
    assertFailed(
        probe.check(verifiedOwner("127.0.0.1"), OPEN),
        ConnectionProblem.SSL_CERTIFICATE,
        ownerPassword,
        "not issued for the host name 127.0.0.1");
    var verifyCa =
        new ConnectionSpec(
            "127.0.0.1",
            ssl.port(),
            database,
            owner,
            ownerPassword,
            SslMode.VERIFY_CA,
            ssl.caCertificatePem());
    assertThat(probe.check(verifyCa, OPEN).ok()).isTrue();
  }

  @Test
  void a_missing_database_is_reported_by_name() {
    var spec =
        new ConnectionSpec(
            "localhost",
            ssl.port(),
            "no_such_db",
            owner,
            ownerPassword,
            SslMode.VERIFY_FULL,
            ssl.caCertificatePem());
    assertFailed(
        probe.check(spec, OPEN),
        ConnectionProblem.DATABASE_MISSING,
        ownerPassword,
        "has no database named no_such_db");
  }

  @Test
  void a_user_without_connect_privilege_is_reported_as_not_permitted() {
    var spec =
        new ConnectionSpec(
            "localhost",
            ssl.port(),
            lockedDatabase,
            reader,
            readerPassword,
            SslMode.VERIFY_FULL,
            ssl.caCertificatePem());
    assertFailed(
        probe.check(spec, OPEN),
        ConnectionProblem.NOT_PERMITTED,
        readerPassword,
        "User " + reader + " may not connect to database " + lockedDatabase,
        "grant it CONNECT");
  }

  @Test
  void the_cloud_metadata_address_is_blocked_before_any_connection() {
    var spec =
        new ConnectionSpec("169.254.169.254", 80, "app", "u", "Secret-1", SslMode.DISABLE, null);
    var check = probe.check(spec, OPEN);
    assertFailed(
        check, ConnectionProblem.BLOCKED_BY_POLICY, "Secret-1", "169.254.169.254", "link-local");
    assertThat(check.took()).isLessThan(TIMEOUT);
  }

  @Test
  void hourglass_own_database_is_blocked_under_another_loopback_name() {
    var policy =
        NetworkPolicy.of(
            List.of(), List.of(), List.of(new InetSocketAddress("127.0.0.1", ssl.port())));
    assertFailed(
        probe.check(verifiedOwner("localhost"), policy),
        ConnectionProblem.BLOCKED_BY_POLICY,
        ownerPassword,
        "port " + ssl.port() + " is Hourglass's own database");
  }

  @Test
  void the_socket_factory_refuses_a_protected_endpoint_at_connect_time() throws SQLException {
    var spec = verifiedOwner("localhost");
    var protecting =
        NetworkPolicy.of(List.of(), List.of(), List.of(new InetSocketAddress("::1", ssl.port())));
    // What a pool does, without the probe's check of the resolved addresses first.
    var properties = TargetConnections.connectionProperties(spec, protecting, TIMEOUT);
    Throwable thrown =
        catchThrowable(() -> new Driver().connect(TargetConnections.jdbcUrl(spec), properties));
    assertThat(thrown)
        .isInstanceOf(SQLException.class)
        .hasRootCauseInstanceOf(BlockedConnectionException.class);
    var failure = Failures.classify((SQLException) thrown, spec);
    assertThat(failure.problem()).isEqualTo(ConnectionProblem.BLOCKED_BY_POLICY);
    assertThat(failure.message())
        .contains("127.0.0.1 port " + ssl.port() + " is Hourglass's own database")
        .doesNotContain(ownerPassword);

    // The same properties under an open policy do connect, encrypted.
    var open = TargetConnections.connectionProperties(spec, OPEN, TIMEOUT);
    try (var connection = new Driver().connect(TargetConnections.jdbcUrl(spec), open);
        var statement = connection.createStatement();
        var row =
            statement.executeQuery(
                "select ssl, current_setting('application_name') from pg_stat_ssl"
                    + " where pid = pg_backend_pid()")) {
      assertThat(row.next()).isTrue();
      assertThat(row.getBoolean(1)).isTrue();
      assertThat(row.getString(2)).isEqualTo(TargetConnections.APPLICATION_NAME);
    }
  }

  @Test
  void a_successful_check_reports_the_servers_capabilities() throws SQLException {
    var check = probe.check(verifiedOwner("localhost"), OPEN);

    assertThat(check.ok()).as(check.message()).isTrue();
    assertThat(check.problem()).isEmpty();
    Capabilities capabilities = check.capabilities().orElseThrow();
    try (var admin = ssl.admin(database);
        var statement = admin.createStatement();
        var row =
            statement.executeQuery(
                "select current_setting('server_version'),"
                    + " current_setting('server_version_num')::int")) {
      row.next();
      assertThat(row.getString(1)).startsWith(capabilities.serverVersion());
      assertThat(capabilities.serverVersion()).matches("\\d+\\.\\d+");
      assertThat(capabilities.serverVersionNum()).isEqualTo(row.getInt(2));
    }
    assertThat(capabilities.timescaledbVersion()).isEmpty();
    assertThat(capabilities.pgCronVersion()).isEmpty();
    assertThat(capabilities.cronDatabaseName()).isEmpty();
    assertThat(capabilities.canCreateProcedures()).isTrue();
    assertThat(check.message())
        .isEqualTo(
            "Connected to PostgreSQL "
                + capabilities.serverVersion()
                + " as "
                + owner
                + "; the user may create procedures.")
        .doesNotContain(ownerPassword);
  }

  @Test
  void a_user_without_create_on_any_schema_cannot_create_procedures() {
    var spec =
        new ConnectionSpec(
            "localhost",
            ssl.port(),
            database,
            reader,
            readerPassword,
            SslMode.VERIFY_FULL,
            ssl.caCertificatePem());
    var check = probe.check(spec, OPEN);
    assertThat(check.ok()).as(check.message()).isTrue();
    assertThat(check.capabilities().orElseThrow().canCreateProcedures()).isFalse();
    assertThat(check.message()).endsWith("the user may not create procedures in any schema.");
  }
}
