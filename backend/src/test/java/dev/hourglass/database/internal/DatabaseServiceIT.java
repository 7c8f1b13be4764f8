package dev.hourglass.database.internal;

import static dev.hourglass.testing.TeamBuilder.aPerson;
import static dev.hourglass.testing.TeamBuilder.aTeam;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.common.AccessDeniedException;
import dev.hourglass.common.UserFacingException;
import dev.hourglass.database.ConnectionFailedException;
import dev.hourglass.database.ConnectionProblem;
import dev.hourglass.database.ConnectionSpec;
import dev.hourglass.database.DatabaseDraft;
import dev.hourglass.database.DatabaseStatus;
import dev.hourglass.database.NetworkPolicy;
import dev.hourglass.database.RegisteredDatabase;
import dev.hourglass.database.SslMode;
import dev.hourglass.infra.FreePorts;
import dev.hourglass.platform.Settings;
import dev.hourglass.security.Caller;
import dev.hourglass.security.SecretBox;
import dev.hourglass.tenant.Role;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.testing.ControlPlaneDatabase;
import dev.hourglass.testing.MutableClock;
import dev.hourglass.testing.ScratchPostgres;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fleet over real PostgreSQL: the control plane on the shared test server, the targets on a
 * scratch server with password authentication.
 */
class DatabaseServiceIT {

  @RegisterExtension static ControlPlaneDatabase db = new ControlPlaneDatabase();

  static ScratchPostgres target;
  static String user;
  static String password;
  static String database;

  @BeforeAll
  static void startTarget() {
    target = ScratchPostgres.withoutSsl();
    password = ScratchPostgres.randomPassword();
    user = target.createUser("app", password);
    database = target.createDatabase("sales", user);
  }

  @AfterAll
  static void stopTarget() {
    target.close();
  }

  static final SecretBox BOX =
      new SecretBox(Map.of("k1", new byte[32], "k2", filled(32, (byte) 7)), "k1");

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T09:00:00Z"));
  private final Caller owner = aPerson("Olga");
  private final Caller viewer = aPerson("Vic");
  private TenantId team;
  private Fleet fleet;
  private JdbcDatabaseService databases;

  @BeforeEach
  void aTeamWithAnOwnerAndAViewer() {
    team = aTeam(db, owner).with(viewer, Role.VIEWER).id();
    fleet = fleet(10);
    databases = new JdbcDatabaseService(db.dataSource(), clock, BOX, fleet);
  }

  @AfterEach
  void closePools() {
    fleet.close();
  }

  Fleet fleet(int tenantConnections) {
    var controlPlane =
        InetSocketAddress.createUnresolved("127.0.0.1", ControlPlaneDatabase.server().port());
    return new Fleet(
        NetworkPolicy.of(List.of(), List.of(), List.of(controlPlane)),
        new Settings.Targets(
            List.of(),
            List.of(),
            2,
            tenantConnections,
            Duration.ofSeconds(5),
            Duration.ofSeconds(60),
            Duration.ofSeconds(3)),
        db.dataSource(),
        BOX);
  }

  static ConnectionSpec spec(String pw) {
    return new ConnectionSpec(
        target.host(), target.port(), database, user, pw, SslMode.DISABLE, null);
  }

  static byte[] filled(int n, byte b) {
    var bytes = new byte[n];
    java.util.Arrays.fill(bytes, b);
    return bytes;
  }

  private RegisteredDatabase registerSales() {
    return databases.register(owner, team, DatabaseDraft.of("Sales", "production", spec(password)));
  }

  @Test
  void registering_tests_the_connection_and_stores_capabilities_and_a_sealed_password()
      throws SQLException {
    var saved = registerSales();

    assertThat(saved.status().kind()).isEqualTo(DatabaseStatus.Kind.REACHABLE);
    assertThat(saved.capabilities())
        .hasValueSatisfying(
            c -> {
              assertThat(c.serverVersionNum()).isGreaterThanOrEqualTo(140000);
              assertThat(c.timescaledbVersion()).isEmpty();
              assertThat(c.canCreateProcedures()).isTrue();
            });
    assertThat(databases.list(viewer, team))
        .extracting(RegisteredDatabase::name)
        .containsExactly("Sales");
    assertThat(saved.toString()).doesNotContain(password);

    try (var c = db.ownerDataSource().getConnection();
        var ps =
            c.prepareStatement(
                "select password_sealed, password_key_id, t::text from target_database t where id = ?")) {
      ps.setObject(1, saved.id().value());
      try (var rs = ps.executeQuery()) {
        rs.next();
        assertThat(new String(rs.getBytes(1), StandardCharsets.ISO_8859_1))
            .doesNotContain(password);
        assertThat(rs.getString(2)).isEqualTo("k1");
        assertThat(rs.getString(3)).doesNotContain(password);
      }
    }
  }

  @Test
  void a_wrong_password_is_refused_precisely_and_nothing_is_saved() {
    assertThatThrownBy(
            () ->
                databases.register(
                    owner, team, DatabaseDraft.of("Sales", "", spec("wrong-" + password))))
        .isInstanceOf(ConnectionFailedException.class)
        .hasMessageContaining("Nothing was saved")
        .hasMessageNotContaining(password)
        .satisfies(
            e ->
                assertThat(((ConnectionFailedException) e).check().problem())
                    .contains(ConnectionProblem.WRONG_PASSWORD));
    assertThat(databases.list(owner, team)).isEmpty();
  }

  @Test
  void an_unreachable_port_is_refused_and_nothing_is_saved() {
    var closed =
        new ConnectionSpec(
            "127.0.0.1", FreePorts.pick(), database, user, password, SslMode.DISABLE, null);
    assertThatThrownBy(() -> databases.register(owner, team, DatabaseDraft.of("Gone", "", closed)))
        .isInstanceOf(ConnectionFailedException.class)
        .satisfies(
            e ->
                assertThat(((ConnectionFailedException) e).check().problem())
                    .contains(ConnectionProblem.REFUSED));
    assertThat(databases.list(owner, team)).isEmpty();
  }

  @Test
  void the_control_plane_database_cannot_be_registered_as_a_target() {
    var controlPlane =
        new ConnectionSpec(
            "localhost",
            ControlPlaneDatabase.server().port(),
            db.name(),
            "postgres",
            "",
            SslMode.DISABLE,
            null);
    assertThatThrownBy(
            () -> databases.register(owner, team, DatabaseDraft.of("Sneaky", "", controlPlane)))
        .isInstanceOf(ConnectionFailedException.class)
        .satisfies(
            e ->
                assertThat(((ConnectionFailedException) e).check().problem())
                    .contains(ConnectionProblem.BLOCKED_BY_POLICY));
  }

  @Test
  void a_second_database_with_the_same_name_is_refused() {
    registerSales();
    assertThatThrownBy(
            () -> databases.register(owner, team, DatabaseDraft.of("SALES", "", spec(password))))
        .isInstanceOf(UserFacingException.class)
        .hasMessageContaining("already has a database called 'SALES'");
  }

  @Test
  void editing_keeps_the_stored_password_when_none_is_entered_and_bumps_the_version() {
    var saved = registerSales();
    var edited =
        databases.edit(
            owner,
            team,
            saved.id(),
            new DatabaseDraft("Sales EU", "staging", spec(""), true),
            saved.version());
    assertThat(edited.name()).isEqualTo("Sales EU");
    assertThat(edited.environment()).isEqualTo("staging");
    assertThat(edited.version()).isEqualTo(saved.version() + 1);
    assertThat(databases.refresh(viewer, team, saved.id()).status().kind())
        .isEqualTo(DatabaseStatus.Kind.REACHABLE);
  }

  @Test
  void the_stored_password_is_never_sent_to_another_server_or_user_or_with_weaker_ssl() {
    var saved = registerSales();
    var elsewhere =
        List.of(
            new ConnectionSpec(
                "localhost", target.port(), database, user, "", SslMode.DISABLE, null),
            new ConnectionSpec(
                target.host(), FreePorts.pick(), database, user, "", SslMode.DISABLE, null),
            new ConnectionSpec(
                target.host(), target.port(), database, "postgres", "", SslMode.DISABLE, null));
    for (var spec : elsewhere) {
      var draft = new DatabaseDraft("Sales", "", spec, true);
      assertThatThrownBy(() -> databases.testEdit(owner, team, saved.id(), draft))
          .isInstanceOf(dev.hourglass.common.InvalidInputException.class)
          .hasMessageContaining("Enter the password again");
      assertThatThrownBy(() -> databases.edit(owner, team, saved.id(), draft, saved.version()))
          .isInstanceOf(dev.hourglass.common.InvalidInputException.class);
    }
    // The same server with a different database name may keep it.
    var same = new DatabaseDraft("Sales", "", spec(""), true);
    assertThat(databases.testEdit(owner, team, saved.id(), same).ok()).isTrue();
  }

  @Test
  void an_edit_based_on_an_old_version_is_refused() {
    var saved = registerSales();
    databases.edit(
        owner, team, saved.id(), new DatabaseDraft("A", "", spec(""), true), saved.version());
    assertThatThrownBy(
            () ->
                databases.edit(
                    owner,
                    team,
                    saved.id(),
                    new DatabaseDraft("B", "", spec(""), true),
                    saved.version()))
        .isInstanceOf(UserFacingException.class)
        .hasMessageContaining("Someone else changed this database");
    assertThat(databases.get(owner, team, saved.id()).name()).isEqualTo("A");
  }

  @Test
  void an_edit_whose_new_password_fails_changes_nothing() {
    var saved = registerSales();
    assertThatThrownBy(
            () ->
                databases.edit(
                    owner,
                    team,
                    saved.id(),
                    new DatabaseDraft("Renamed", "", spec("bad-password"), false),
                    saved.version()))
        .isInstanceOf(ConnectionFailedException.class);
    var now = databases.get(owner, team, saved.id());
    assertThat(now.name()).isEqualTo("Sales");
    assertThat(now.version()).isEqualTo(saved.version());
    assertThat(databases.refresh(owner, team, saved.id()).status().kind())
        .isEqualTo(DatabaseStatus.Kind.REACHABLE);
  }

  @Test
  void removing_archives_the_database_and_frees_its_name() throws SQLException {
    var saved = registerSales();
    databases.remove(owner, team, saved.id());
    assertThat(databases.list(owner, team)).isEmpty();
    assertThatThrownBy(() -> databases.get(owner, team, saved.id()))
        .isInstanceOf(AccessDeniedException.class);
    try (var c = db.ownerDataSource().getConnection();
        var ps =
            c.prepareStatement(
                "select archived_at is not null from target_database where id = ?")) {
      ps.setObject(1, saved.id().value());
      try (var rs = ps.executeQuery()) {
        assertThat(rs.next()).as("the row is kept, archived").isTrue();
        assertThat(rs.getBoolean(1)).isTrue();
      }
    }
    assertThat(registerSales().name()).isEqualTo("Sales");
  }

  @Test
  void removing_a_database_archives_its_actions_in_the_same_transaction() throws SQLException {
    var saved = registerSales();
    var action = java.util.UUID.randomUUID();
    try (var c = db.ownerDataSource().getConnection();
        var ps =
            c.prepareStatement(
                """
                insert into action (id, tenant_id, database_id, job_name, routine_schema,
                    routine_name, routine_kind, schedule_interval, next_start, created_at,
                    created_by, updated_at)
                values (?, ?, ?, 'nightly', 'public', 'refresh', 'PROCEDURE', '1 day', now(),
                        now(), ?, now())
                """)) {
      ps.setObject(1, action);
      ps.setObject(2, team.value());
      ps.setObject(3, saved.id().value());
      ps.setString(4, owner.subject());
      ps.executeUpdate();
    }
    databases.remove(owner, team, saved.id());
    try (var c = db.ownerDataSource().getConnection();
        var ps =
            c.prepareStatement(
                "select archived_at is not null, scheduled, next_start from action where id = ?")) {
      ps.setObject(1, action);
      try (var rs = ps.executeQuery()) {
        assertThat(rs.next()).as("the action is kept with its history").isTrue();
        assertThat(rs.getBoolean(1)).as("archived").isTrue();
        assertThat(rs.getBoolean(2)).as("no longer scheduled").isFalse();
        assertThat(rs.getTimestamp(3)).isNull();
      }
    }
  }

  @Test
  void a_viewer_may_look_and_refresh_but_not_manage() {
    var saved = registerSales();
    assertThat(databases.get(viewer, team, saved.id()).name()).isEqualTo("Sales");
    assertThat(databases.refresh(viewer, team, saved.id()).status().kind())
        .isEqualTo(DatabaseStatus.Kind.REACHABLE);
    assertThatThrownBy(
            () -> databases.register(viewer, team, DatabaseDraft.of("Mine", "", spec(password))))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining("to manage databases you need to be admin or higher");
    assertThatThrownBy(() -> databases.test(viewer, team, spec(password)))
        .isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(
            () ->
                databases.edit(
                    viewer,
                    team,
                    saved.id(),
                    new DatabaseDraft("X", "", spec(""), true),
                    saved.version()))
        .isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> databases.remove(viewer, team, saved.id()))
        .isInstanceOf(AccessDeniedException.class);
  }

  @Test
  void a_pool_is_built_on_first_use_kept_across_a_rename_and_replaced_when_the_connection_changes()
      throws SQLException {
    var saved = registerSales();
    assertThat(fleet.pools().openPools()).isZero();
    try (var c = fleet.pools().connect(team, saved.id());
        var rs = c.createStatement().executeQuery("select current_user")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo(user);
    }
    assertThat(fleet.pools().openPools()).isEqualTo(1);

    try (var inUse = fleet.pools().connect(team, saved.id())) {
      var renamed =
          databases.edit(
              owner,
              team,
              saved.id(),
              new DatabaseDraft("Sales EU", "", spec(""), true),
              saved.version());
      assertThat(inUse.isValid(2)).as("a rename leaves connections in use alone").isTrue();
      try (var again = fleet.pools().connect(team, saved.id())) {
        assertThat(again.isValid(2)).isTrue();
      }
      // The same password typed again seals differently: a new connection setting, a new pool.
      databases.edit(
          owner,
          team,
          saved.id(),
          new DatabaseDraft("Sales EU", "", spec(password), false),
          renamed.version());
    }
    try (var c = fleet.pools().connect(team, saved.id())) {
      assertThat(c.isValid(2)).isTrue();
    }
    assertThat(fleet.pools().openPools())
        .as("the old pool was replaced, not added to")
        .isEqualTo(1);
  }

  @Test
  void an_idle_pool_is_closed() throws SQLException {
    var saved = registerSales();
    try (var c = fleet.pools().connect(team, saved.id())) {
      assertThat(c.isValid(2)).isTrue();
    }
    assertThat(fleet.pools().openPools()).isEqualTo(1);
    // Idle time is measured on the monotonic clock; the sweep itself is called directly.
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (fleet.pools().openPools() > 0 && System.nanoTime() < deadline) {
      fleet.pools().closeIdle();
      Thread.onSpinWait();
    }
    assertThat(fleet.pools().openPools()).isZero();
  }

  @Test
  void a_tenant_cannot_open_more_connections_than_its_cap_across_its_databases()
      throws SQLException {
    fleet.close();
    fleet = fleet(3);
    databases = new JdbcDatabaseService(db.dataSource(), clock, BOX, fleet);
    var sales = registerSales();
    var other = target.createDatabase("stock", user);
    var stock =
        databases.register(
            owner,
            team,
            DatabaseDraft.of(
                "Stock",
                "",
                new ConnectionSpec(
                    target.host(), target.port(), other, user, password, SslMode.DISABLE, null)));
    var open = new ArrayList<java.sql.Connection>();
    try {
      open.add(fleet.pools().connect(team, sales.id()));
      open.add(fleet.pools().connect(team, sales.id()));
      open.add(fleet.pools().connect(team, stock.id()));
      assertThat(fleet.pools().openConnections(team)).isEqualTo(3);
      assertThatThrownBy(() -> fleet.pools().connect(team, stock.id()))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("limit of 3 open connections");
    } finally {
      for (var c : open) {
        c.close();
      }
    }
    try (var c = fleet.pools().connect(team, stock.id())) {
      assertThat(c.isValid(2)).as("a returned connection serves again").isTrue();
    }
  }

  @Test
  void at_the_cap_idle_connections_of_a_quiet_pool_give_way_to_a_database_that_needs_one()
      throws SQLException {
    fleet.close();
    fleet = fleet(2);
    databases = new JdbcDatabaseService(db.dataSource(), clock, BOX, fleet);
    var sales = registerSales();
    var other = target.createDatabase("quiet", user);
    var stock =
        databases.register(
            owner,
            team,
            DatabaseDraft.of(
                "Stock",
                "",
                new ConnectionSpec(
                    target.host(), target.port(), other, user, password, SslMode.DISABLE, null)));
    // Sales's pool keeps two idle connections: the team's whole cap.
    try (var a = fleet.pools().connect(team, sales.id());
        var b = fleet.pools().connect(team, sales.id())) {
      assertThat(fleet.pools().openConnections(team)).isEqualTo(2);
    }
    assertThat(fleet.pools().openConnections(team)).isEqualTo(2);
    try (var c = fleet.pools().connect(team, stock.id())) {
      assertThat(c.isValid(2)).isTrue();
      assertThat(fleet.pools().openConnections(team)).isLessThanOrEqualTo(2);
    }
  }

  @Test
  void a_pool_in_use_never_serves_another_team_nor_a_removed_database() throws SQLException {
    var sales = registerSales();
    try (var c = fleet.pools().connect(team, sales.id())) {
      assertThat(c.isValid(2)).isTrue();
    }
    var stranger = aTeam(db, aPerson("Mallory")).id();
    // The pool is fresh, but it is not Mallory's team's: the registration is read, and refuses.
    assertThatThrownBy(() -> fleet.pools().connect(stranger, sales.id()))
        .isInstanceOf(UserFacingException.class);
    databases.remove(owner, team, sales.id());
    assertThatThrownBy(() -> fleet.pools().connect(team, sales.id()))
        .isInstanceOf(UserFacingException.class);
  }

  @Test
  void the_monitor_records_when_a_database_becomes_unreachable_and_since_when() {
    var own = ScratchPostgres.withoutSsl();
    try {
      var pw = ScratchPostgres.randomPassword();
      var u = own.createUser("mon", pw);
      var d = own.createDatabase("mon", u);
      var saved =
          databases.register(
              owner,
              team,
              DatabaseDraft.of(
                  "Monitored",
                  "",
                  new ConnectionSpec(own.host(), own.port(), d, u, pw, SslMode.DISABLE, null)));
      var monitor = new FleetMonitor(db.dataSource(), clock, BOX, fleet, Duration.ofSeconds(60));

      clock.advance(Duration.ofSeconds(61));
      assertThat(monitor.runOnce()).isGreaterThanOrEqualTo(1);
      assertThat(databases.get(owner, team, saved.id()).status().kind())
          .isEqualTo(DatabaseStatus.Kind.REACHABLE);
      assertThat(monitor.runOnce()).as("checked once per interval").isZero();

      own.close();
      own = null;
      clock.advance(Duration.ofSeconds(61));
      var stoppedAt = clock.instant();
      monitor.runOnce();
      var status = databases.get(owner, team, saved.id()).status();
      assertThat(status.kind()).isEqualTo(DatabaseStatus.Kind.UNREACHABLE);
      assertThat(status.since()).contains(stoppedAt);
      assertThat(status.problem()).contains(ConnectionProblem.REFUSED);
    } finally {
      if (own != null) {
        own.close();
      }
    }
  }
}
