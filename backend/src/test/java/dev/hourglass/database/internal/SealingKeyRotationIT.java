package dev.hourglass.database.internal;

import static dev.hourglass.testing.TeamBuilder.aPerson;
import static dev.hourglass.testing.TeamBuilder.aTeam;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.database.ConnectionSpec;
import dev.hourglass.database.DatabaseDraft;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.database.DatabaseStatus;
import dev.hourglass.database.NetworkPolicy;
import dev.hourglass.database.SslMode;
import dev.hourglass.platform.Settings;
import dev.hourglass.security.Caller;
import dev.hourglass.security.SecretBox;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.testing.ControlPlaneDatabase;
import dev.hourglass.testing.MutableClock;
import dev.hourglass.testing.ScratchPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Key rotation over real PostgreSQL: passwords registered under k1 through the service, resealed
 * under k2 by {@link SealingKeyRotation} and by the command, then used to connect to a real target.
 */
class SealingKeyRotationIT {

  @RegisterExtension static ControlPlaneDatabase db = new ControlPlaneDatabase();

  static ScratchPostgres target;
  static String user;
  static String password;
  static String database;

  static final byte[] K0 = filled((byte) 3);
  static final byte[] K1 = filled((byte) 1);
  static final byte[] K2 = filled((byte) 2);

  /** The installation before the rotation: only k1. */
  static final SecretBox BEFORE = new SecretBox(Map.of("k1", K1), "k1");

  /** During the rotation: k2 added and active, k1 still listed. */
  static final SecretBox DURING = new SecretBox(keys("k1", K1, "k2", K2), "k2");

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

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T09:00:00Z"));
  private final Caller owner = aPerson("Olga");
  private TenantId team;

  @BeforeEach
  void anEmptyFleetAndATeam() throws SQLException {
    // The rotation covers every tenant's rows, so each test starts from an empty fleet.
    try (var c = db.ownerDataSource().getConnection();
        var s = c.createStatement()) {
      s.executeUpdate("delete from target_database");
    }
    team = aTeam(db, owner).id();
  }

  @Test
  void every_password_sealed_under_the_old_key_is_resealed_and_still_opens_its_database()
      throws SQLException {
    var ids = registerUnder(BEFORE, "Sales", "Billing", "Ledger");
    var before = rows();

    int resealed = new SealingKeyRotation().reseal(db.ownerDataSource(), DURING);

    assertThat(resealed).isEqualTo(3);
    var after = rows();
    for (var id : ids) {
      assertThat(after.get(id).keyIdColumn()).isEqualTo("k2");
      assertThat(SecretBox.keyIdOf(after.get(id).sealed())).isEqualTo("k2");
      assertThat(after.get(id).sealed()).isNotEqualTo(before.get(id).sealed());
      // Same password, so neither edit forms nor pools are disturbed.
      assertThat(after.get(id).version()).isEqualTo(before.get(id).version());
      assertThat(after.get(id).updatedAt()).isEqualTo(before.get(id).updatedAt());
      assertThat(DURING.open(after.get(id).sealed(), context(id))).isEqualTo(password);
    }
    var fleet = fleet(DURING);
    try {
      for (var id : ids) {
        try (var c = fleet.pools().connect(team, id);
            var rs = c.createStatement().executeQuery("select current_user")) {
          rs.next();
          assertThat(rs.getString(1)).isEqualTo(user);
        }
      }
      var refreshed =
          new JdbcDatabaseService(db.dataSource(), clock, DURING, fleet)
              .refresh(owner, team, ids.get(0));
      assertThat(refreshed.status().kind()).isEqualTo(DatabaseStatus.Kind.REACHABLE);
    } finally {
      fleet.close();
    }
  }

  @Test
  void once_the_old_key_is_removed_the_resealed_passwords_still_open() throws SQLException {
    var ids = registerUnder(BEFORE, "Sales");
    new SealingKeyRotation().reseal(db.ownerDataSource(), DURING);

    var fleet = fleet(new SecretBox(Map.of("k2", K2), "k2"));
    try (var c = fleet.pools().connect(team, ids.get(0))) {
      assertThat(c.isValid(2)).isTrue();
    } finally {
      fleet.close();
    }
  }

  @Test
  void a_second_run_reseals_nothing_and_changes_nothing() {
    registerUnder(BEFORE, "Sales", "Billing");
    var rotation = new SealingKeyRotation();
    assertThat(rotation.reseal(db.ownerDataSource(), DURING)).isEqualTo(2);
    var first = rows();

    assertThat(rotation.reseal(db.ownerDataSource(), DURING)).isZero();

    var second = rows();
    first.forEach((id, row) -> assertThat(second.get(id).sealed()).isEqualTo(row.sealed()));
  }

  @Test
  void batches_smaller_than_the_fleet_reseal_every_row_including_archived_ones()
      throws SQLException {
    var ids = insertUnder(BEFORE, 7);
    try (var c = db.ownerDataSource().getConnection();
        var ps =
            c.prepareStatement("update target_database set archived_at = now() where id = ?")) {
      ps.setObject(1, ids.get(3).value());
      ps.executeUpdate();
    }

    var outcome = new SealingKeyRotation(2).run(db.ownerDataSource(), DURING);

    assertThat(outcome.resealed()).isEqualTo(7);
    assertThat(outcome.complete()).isTrue();
    assertThat(rows().values()).allSatisfy(r -> assertThat(r.keyIdColumn()).isEqualTo("k2"));
  }

  @Test
  void a_password_under_a_key_no_longer_configured_is_reported_and_left_as_is() {
    var ids = registerUnder(BEFORE, "Sales", "Billing", "Ledger");
    var lost = ids.get(1);
    var underK0 = new SecretBox(Map.of("k0", K0), "k0").seal(password, context(lost));
    setSealed(lost, underK0, "k0");

    assertThatThrownBy(() -> new SealingKeyRotation(1).reseal(db.ownerDataSource(), DURING))
        .isInstanceOf(SealingKeyRotation.IncompleteRotationException.class)
        .hasMessageContaining("Database " + lost.value())
        .hasMessageContaining("key 'k0'")
        .hasMessageContaining("Resealed 2 database password(s) under key 'k2'; 1 left")
        .hasMessageNotContaining(password)
        .satisfies(
            e -> {
              var outcome = ((SealingKeyRotation.IncompleteRotationException) e).outcome();
              assertThat(outcome.resealed()).isEqualTo(2);
              assertThat(outcome.problems()).hasSize(1);
              assertThat(outcome.leftUnderOtherKeys()).isEqualTo(1);
            });

    var after = rows();
    assertThat(after.get(lost).sealed()).isEqualTo(underK0);
    assertThat(after.get(lost).keyIdColumn()).isEqualTo("k0");
    assertThat(after.get(ids.get(0)).keyIdColumn()).isEqualTo("k2");
    assertThat(after.get(ids.get(2)).keyIdColumn()).isEqualTo("k2");
  }

  @Test
  void a_password_copied_from_another_row_is_reported_not_resealed() {
    var ids = registerUnder(BEFORE, "Sales", "Billing");
    var copied = rows().get(ids.get(0)).sealed();
    setSealed(ids.get(1), copied, "k1");

    var outcome = new SealingKeyRotation().run(db.ownerDataSource(), DURING);

    assertThat(outcome.resealed()).isEqualTo(1);
    assertThat(outcome.problems())
        .singleElement()
        .asString()
        .contains(ids.get(1).toString(), "key 'k1'", "another record")
        .doesNotContain(password);
    assertThat(rows().get(ids.get(1)).sealed()).isEqualTo(copied);
  }

  @Test
  void the_command_reseals_with_the_app_settings_and_says_how_many() {
    registerUnder(BEFORE, "Sales", "Billing");
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();

    int exit = RotateSealingKeys.run(environment(environmentDuring()), print(out), print(err));

    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(exit).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo("Resealed 2 database password(s) under key 'k2'; 0 left under other keys.\n");
    assertThat(rows().values()).allSatisfy(r -> assertThat(r.keyIdColumn()).isEqualTo("k2"));
  }

  @Test
  void the_command_exits_non_zero_and_names_each_database_it_could_not_reseal() {
    var ids = registerUnder(BEFORE, "Sales", "Billing");
    setSealed(
        ids.get(0),
        new SecretBox(Map.of("k0", K0), "k0").seal(password, context(ids.get(0))),
        "k0");
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();

    int exit = RotateSealingKeys.run(environment(environmentDuring()), print(out), print(err));

    assertThat(exit).isEqualTo(RotateSealingKeys.INCOMPLETE);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo("Resealed 1 database password(s) under key 'k2'; 1 left under other keys.\n");
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("Database " + ids.get(0) + " of team " + team, "key 'k0'")
        .doesNotContain(password);
  }

  @Test
  void the_command_refuses_missing_keys_and_a_database_without_the_schema() {
    var env = environmentDuring();
    env.remove("HOURGLASS_SECRETS_KEYS");
    var err = new ByteArrayOutputStream();
    assertThat(
            RotateSealingKeys.run(environment(env), print(new ByteArrayOutputStream()), print(err)))
        .isEqualTo(RotateSealingKeys.CANNOT_RUN);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("HOURGLASS_SECRETS_KEYS", "is required but not set");

    var server = ControlPlaneDatabase.server();
    var empty = server.createDatabase("hg_empty");
    try {
      var elsewhere = environmentDuring();
      elsewhere.put("HOURGLASS_DB_URL", server.jdbcUrl(empty));
      var err2 = new ByteArrayOutputStream();
      assertThat(
              RotateSealingKeys.run(
                  environment(elsewhere), print(new ByteArrayOutputStream()), print(err2)))
          .isEqualTo(RotateSealingKeys.CANNOT_RUN);
      assertThat(err2.toString(StandardCharsets.UTF_8))
          .contains("has no Hourglass schema")
          .doesNotContain(k1Base64());
    } finally {
      server.dropDatabase(empty);
    }
  }

  @Test
  void the_command_runs_as_its_own_process_reading_the_environment() throws Exception {
    registerUnder(BEFORE, "Sales");
    var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    var process =
        new ProcessBuilder(
            java, "-cp", System.getProperty("java.class.path"), RotateSealingKeys.class.getName());
    process.environment().keySet().removeIf(k -> k.startsWith("HOURGLASS_"));
    process.environment().putAll(environmentDuring());
    var log = Files.createTempFile("rotate-keys", ".log");
    try {
      var running = process.redirectErrorStream(true).redirectOutput(log.toFile()).start();
      assertThat(running.waitFor(60, TimeUnit.SECONDS)).isTrue();
      var output = Files.readString(log);
      assertThat(running.exitValue()).as(output).isZero();
      assertThat(output)
          .contains("Resealed 1 database password(s) under key 'k2'; 0 left under other keys.");
    } finally {
      Files.deleteIfExists(log);
    }
  }

  // --- helpers

  private Map<String, String> environmentDuring() {
    var s = db.settings();
    var env = new HashMap<String, String>();
    env.put("HOURGLASS_DB_URL", s.url());
    env.put("HOURGLASS_DB_USER", s.user());
    env.put("HOURGLASS_DB_PASSWORD", s.password());
    env.put(
        "HOURGLASS_SECRETS_KEYS",
        "k1:" + k1Base64() + ", k2:" + Base64.getEncoder().encodeToString(K2));
    env.put("HOURGLASS_SECRETS_ACTIVE_KEY", "k2");
    return env;
  }

  private static String k1Base64() {
    return Base64.getEncoder().encodeToString(K1);
  }

  /** Looks keys up the way the command does: by their environment variable. */
  private static java.util.function.Function<String, Optional<String>> environment(
      Map<String, String> env) {
    return key -> Optional.ofNullable(env.get(Settings.environmentVariable(key)));
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }

  private List<DatabaseId> registerUnder(SecretBox box, String... names) {
    var ids = new ArrayList<DatabaseId>();
    var fleet = fleet(box);
    try {
      var service = new JdbcDatabaseService(db.dataSource(), clock, box, fleet);
      for (var name : names) {
        ids.add(service.register(owner, team, DatabaseDraft.of(name, "", spec())).id());
      }
    } finally {
      fleet.close();
    }
    return ids;
  }

  /** Rows written past the service, for numbers of databases a probe each would make slow. */
  private List<DatabaseId> insertUnder(SecretBox box, int count) throws SQLException {
    var ids = new ArrayList<DatabaseId>();
    try (var c = db.ownerDataSource().getConnection();
        var ps =
            c.prepareStatement(
                """
                insert into target_database (id, tenant_id, name, host, port, database_name,
                    username, password_sealed, password_key_id, ssl_mode, created_at, created_by,
                    updated_at)
                values (?, ?, ?, '127.0.0.1', 5432, 'db', 'u', ?, ?, 'DISABLE', ?, ?, ?)
                """)) {
      for (int i = 0; i < count; i++) {
        var id = DatabaseId.random();
        var sealed = box.seal("pw-" + i, context(id));
        var now = Timestamp.from(clock.instant());
        ps.setObject(1, id.value());
        ps.setObject(2, team.value());
        ps.setString(3, "Db " + i);
        ps.setBytes(4, sealed);
        ps.setString(5, SecretBox.keyIdOf(sealed));
        ps.setTimestamp(6, now);
        ps.setString(7, owner.subject());
        ps.setTimestamp(8, now);
        ps.executeUpdate();
        ids.add(id);
      }
    }
    return ids;
  }

  private String context(DatabaseId id) {
    return StoredDatabase.passwordContext(team, id);
  }

  private void setSealed(DatabaseId id, byte[] sealed, String keyId) {
    try (var c = db.ownerDataSource().getConnection();
        var ps =
            c.prepareStatement(
                "update target_database set password_sealed = ?, password_key_id = ? where id = ?")) {
      ps.setBytes(1, sealed);
      ps.setString(2, keyId);
      ps.setObject(3, id.value());
      assertThat(ps.executeUpdate()).isEqualTo(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private record Row(byte[] sealed, String keyIdColumn, int version, Instant updatedAt) {}

  private Map<DatabaseId, Row> rows() {
    var result = new LinkedHashMap<DatabaseId, Row>();
    try (var c = db.ownerDataSource().getConnection();
        var ps =
            c.prepareStatement(
                "select id, password_sealed, password_key_id, version, updated_at"
                    + " from target_database order by id");
        var rs = ps.executeQuery()) {
      while (rs.next()) {
        result.put(
            new DatabaseId(rs.getObject(1, UUID.class)),
            new Row(rs.getBytes(2), rs.getString(3), rs.getInt(4), rs.getTimestamp(5).toInstant()));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return result;
  }

  private Fleet fleet(SecretBox box) {
    var controlPlane =
        InetSocketAddress.createUnresolved("127.0.0.1", ControlPlaneDatabase.server().port());
    return new Fleet(
        NetworkPolicy.of(List.of(), List.of(), List.of(controlPlane)),
        new Settings.Targets(
            List.of(),
            List.of(),
            2,
            10,
            Duration.ofSeconds(5),
            Duration.ofSeconds(60),
            Duration.ofSeconds(3)),
        db.dataSource(),
        box);
  }

  private static ConnectionSpec spec() {
    return new ConnectionSpec(
        target.host(), target.port(), database, user, password, SslMode.DISABLE, null);
  }

  private static byte[] filled(byte b) {
    var bytes = new byte[32];
    Arrays.fill(bytes, b);
    return bytes;
  }

  private static Map<String, byte[]> keys(String id1, byte[] k1, String id2, byte[] k2) {
    var keys = new LinkedHashMap<String, byte[]>();
    keys.put(id1, k1);
    keys.put(id2, k2);
    return keys;
  }
}
