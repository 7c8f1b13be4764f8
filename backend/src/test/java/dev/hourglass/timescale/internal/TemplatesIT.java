package dev.hourglass.timescale.internal;

import static dev.hourglass.testing.TeamBuilder.aPerson;
import static dev.hourglass.testing.TeamBuilder.aTeam;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.action.Action;
import dev.hourglass.action.SqlProblem;
import dev.hourglass.common.InvalidInputException;
import dev.hourglass.common.UserFacingException;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.infra.TimescaleServer;
import dev.hourglass.schedule.Interval;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.Role;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.testing.ControlPlaneDatabase;
import dev.hourglass.testing.MutableClock;
import dev.hourglass.timescale.Template;
import dev.hourglass.timescale.TemplateInstall;
import dev.hourglass.timescale.TemplateOffer;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each TimescaleDB template installed through the action API and run (run now) on real hypertables
 * with real chunks in TimescaleDB 2.23 (PGlite, where tablespaces work when placed on its in-memory
 * /tmp), and its config checked at the form and by its check_config.
 */
class TemplatesIT {

  @RegisterExtension static ControlPlaneDatabase db = new ControlPlaneDatabase();

  static TimescaleServer tsdb;

  @BeforeAll
  static void start() {
    tsdb = TimescaleServer.start(Path.of("target", "tsdb-templates"), Duration.ofSeconds(120));
  }

  @AfterAll
  static void stop() {
    tsdb.close();
  }

  private final MutableClock clock = new MutableClock(Instant.now());
  private final Caller owner = aPerson("Olga");
  private final Caller editor = aPerson("Edda");
  private TenantId team;
  private DatabaseId database;
  private TimescaleTarget target;
  private final String suffix = UUID.randomUUID().toString().substring(0, 8);

  @BeforeEach
  void aTeamWithTheTimescaleDatabase() {
    team = aTeam(db, owner).with(editor, Role.EDITOR).id();
    target = new TimescaleTarget(db, clock);
    database = target.register(owner, team, "Metrics", tsdb);
  }

  @AfterEach
  void closePools() {
    target.close();
  }

  private long sql(String statement) {
    try (var c = target.fleet.connections().open(team, database);
        var st = c.createStatement()) {
      st.execute("set search_path to public");
      if (st.execute(statement)) {
        try (var rs = st.getResultSet()) {
          return rs.next() && rs.getObject(1) instanceof Number n ? n.longValue() : 0;
        }
      }
      return 0;
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** A hypertable with 10 days of rows every 10 minutes in daily chunks, 3 devices. */
  private String aHypertable(String name, boolean compress) {
    var table = name + "_" + suffix;
    sql(
        "create table public."
            + table
            + " (time timestamptz not null, device int not null, temperature double precision)");
    sql(
        "select 1 from create_hypertable('public."
            + table
            + "', 'time', chunk_time_interval => interval '1 day')");
    sql(
        "insert into public."
            + table
            + " select t, d, d * 10 + extract(minute from t) / 10"
            + " from generate_series(now() - interval '10 days', now(), interval '10 minutes') t,"
            + " generate_series(1, 3) d");
    if (compress) {
      sql(
          "alter table public."
              + table
              + " set (timescaledb.compress, timescaledb.compress_segmentby = 'device')");
    }
    return "public." + table;
  }

  /**
   * The tablespace the tests move chunks to. PGlite's file system is in memory and /tmp exists in
   * it; a directory holds one tablespace, so all tests share it.
   */
  private String coldTablespace() {
    if (sql("select count(*) from pg_tablespace where spcname = 'cold'") == 0) {
      sql("create tablespace cold location '/tmp'");
    }
    return "cold";
  }

  private Action install(Template template, Map<String, String> values) {
    return target.templates.install(
        editor,
        team,
        database,
        new TemplateInstall(
            template, "public", template.title() + " " + suffix, Interval.ofDays(1), values));
  }

  private void runNow(Action action) {
    var run = target.actions.runNow(editor, team, action.id());
    assertThat(run.error()).isEmpty();
  }

  @Test
  void generic_retention_drops_the_chunks_older_than_drop_after() {
    var table = aHypertable("retained", false);
    long before = sql("select count(*) from show_chunks('" + table + "')");

    var action =
        install(
            Template.GENERIC_RETENTION,
            Map.of("drop_after", "5 days", "table_pattern", "retained_" + suffix));
    assertThat(action.checkConfig()).isPresent();
    runNow(action);

    assertThat(sql("select count(*) from show_chunks('" + table + "')"))
        .isLessThan(before)
        .isEqualTo(
            sql(
                "select count(*) from show_chunks('"
                    + table
                    + "', newer_than => now() - interval '6 days')"));
    assertThat(sql("select count(*) from " + table + " where time < now() - interval '6 days'"))
        .isZero();
  }

  @Test
  void tiered_storage_moves_old_chunks_to_the_tablespace_and_skips_those_already_there() {
    var table = aHypertable("tiered", false);
    var tablespace = coldTablespace();

    var action =
        install(
            Template.TIERED_STORAGE,
            Map.of("hypertable", table, "lag", "5 days", "destination_tablespace", tablespace));
    runNow(action);

    long old =
        sql("select count(*) from show_chunks('" + table + "', older_than => interval '5 days')");
    assertThat(old).isPositive();
    assertThat(
            sql(
                "select count(*) from timescaledb_information.chunks where hypertable_name = '"
                    + table.substring(7)
                    + "' and chunk_tablespace = '"
                    + tablespace
                    + "'"))
        .isEqualTo(old);
    var second = target.actions.runNow(editor, team, action.id());
    assertThat(second.notices())
        .anySatisfy(n -> assertThat(n.message()).contains("moved 0 chunk(s)"));
  }

  @Test
  void downsample_and_compress_replaces_raw_rows_by_bucket_averages_and_compresses_the_chunks() {
    var table = aHypertable("sampled", true);
    long rawOld = sql("select count(*) from " + table + " where time < now() - interval '8 days'");

    var action =
        install(
            Template.DOWNSAMPLE_AND_COMPRESS,
            Map.of(
                "hypertable", table,
                "lag", "7 days",
                "bucket", "1 hour",
                "average", "temperature",
                "group_by", "device"));
    runNow(action);

    long old = sql("select count(*) from " + table + " where time < now() - interval '8 days'");
    assertThat(old).isLessThan(rawOld / 5).isPositive();
    assertThat(
            sql(
                "select count(*) from "
                    + table
                    + " where time < now() - interval '8 days'"
                    + " and extract(minute from time) <> 0"))
        .isZero();
    assertThat(
            sql(
                "select count(*) from timescaledb_information.chunks where hypertable_name = '"
                    + table.substring(7)
                    + "' and is_compressed"))
        .isPositive()
        .isEqualTo(
            sql(
                "select count(*) from show_chunks('"
                    + table
                    + "', older_than => interval '7 days')"));
  }

  @Test
  void backfill_moves_staged_rows_into_the_hypertable_through_compressed_chunks() {
    var table = aHypertable("backfilled", true);
    sql(
        "select count(*) from (select compress_chunk(c) from show_chunks('"
            + table
            + "', older_than => interval '5 days') c) x");
    var staging = table + "_staging";
    sql(
        "create table "
            + staging
            + " (time timestamptz, device int, temperature double precision)");
    sql(
        "insert into "
            + staging
            + " values (now() - interval '9 days 3 minutes', 42, 1.5), (now() - interval '1 hour', 42, 2.5)");

    var action = install(Template.BACKFILL, Map.of("staging_table", staging, "hypertable", table));
    runNow(action);

    assertThat(sql("select count(*) from " + table + " where device = 42")).isEqualTo(2);
    assertThat(sql("select count(*) from " + staging)).isZero();
    assertThat(
            sql(
                "select count(*) from timescaledb_information.chunks where hypertable_name = '"
                    + table.substring(7)
                    + "' and not is_compressed and range_end < now() - interval '5 days'"))
        .isZero();
  }

  @Test
  void the_form_names_the_field_that_is_wrong_and_check_config_refuses_in_the_database() {
    var table = aHypertable("checked", false);
    sql("create table public.plain_" + suffix + " (time timestamptz)");

    assertThatThrownBy(() -> install(Template.GENERIC_RETENTION, Map.of("drop_after", "soon")))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo("drop_after"));
    assertThatThrownBy(
            () ->
                install(
                    Template.TIERED_STORAGE,
                    Map.of(
                        "hypertable", "public.plain_" + suffix,
                        "lag", "1 day",
                        "destination_tablespace", "pg_default")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not a hypertable")
        .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo("hypertable"));
    assertThatThrownBy(
            () ->
                install(
                    Template.TIERED_STORAGE,
                    Map.of(
                        "hypertable", table, "lag", "1 day", "destination_tablespace", "nowhere")))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(
            e ->
                assertThat(((InvalidInputException) e).field())
                    .isEqualTo("destination_tablespace"));
    assertThatThrownBy(() -> install(Template.BACKFILL, Map.of("hypertable", table)))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo("staging_table"));
    // Compression is off on this hypertable: only the database knows, and check_config says so.
    assertThatThrownBy(
            () ->
                install(
                    Template.DOWNSAMPLE_AND_COMPRESS,
                    Map.of(
                        "hypertable",
                        table,
                        "lag",
                        "7 days",
                        "bucket",
                        "1 hour",
                        "average",
                        "temperature")))
        .isInstanceOf(SqlProblem.class)
        .hasMessageContaining("Compression is not enabled");
    assertThat(target.actions.list(editor, team, Optional.empty())).isEmpty();
  }

  @Test
  void every_template_is_offered_on_timescaledb_and_the_postgresql_ones_say_what_is_missing() {
    aHypertable("offered", true);
    coldTablespace();
    var offers = target.templates.offers(editor, team, database);
    assertThat(offers)
        .filteredOn(o -> o.template().forTimescaleDb())
        .allSatisfy(o -> assertThat(o.available()).as(o.template().title()).isTrue());
    assertThat(offers)
        .filteredOn(o -> o.template() == Template.PARTITION_RETENTION)
        .singleElement()
        .extracting(TemplateOffer::missing)
        .satisfies(
            m ->
                assertThat(m)
                    .hasValueSatisfying(t -> assertThat(t).contains("partitioned by range")));
    assertThatThrownBy(() -> install(Template.PARTITION_RETENTION, Map.of("drop_after", "30 days")))
        .isInstanceOf(UserFacingException.class)
        .hasMessageContaining("partitioned by range");
  }
}
