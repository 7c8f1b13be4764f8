package dev.hourglass.timescale.internal;

import static dev.hourglass.testing.TeamBuilder.aPerson;
import static dev.hourglass.testing.TeamBuilder.aTeam;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.common.InvalidInputException;
import dev.hourglass.database.ConnectionSpec;
import dev.hourglass.database.DatabaseDraft;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.database.SslMode;
import dev.hourglass.schedule.Interval;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.Role;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.testing.ControlPlaneDatabase;
import dev.hourglass.testing.MutableClock;
import dev.hourglass.testing.ScratchPostgres;
import dev.hourglass.timescale.Template;
import dev.hourglass.timescale.TemplateInstall;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The plain-PostgreSQL templates on declaratively partitioned tables of a real PostgreSQL. */
class PartitionTemplatesIT {

  @RegisterExtension static ControlPlaneDatabase db = new ControlPlaneDatabase();

  static ScratchPostgres target;
  static String user;
  static String password;

  @BeforeAll
  static void startTarget() {
    target = ScratchPostgres.withoutSsl();
    password = ScratchPostgres.randomPassword();
    user = target.createUser("app", password);
  }

  @AfterAll
  static void stopTarget() {
    target.close();
  }

  private final MutableClock clock = new MutableClock(Instant.now());
  private final Caller owner = aPerson("Olga");
  private final Caller editor = aPerson("Edda");
  private TenantId team;
  private DatabaseId database;
  private String name;
  private TimescaleTarget wiring;

  @BeforeEach
  void aTeamWithAPartitionedTable() {
    team = aTeam(db, owner).with(editor, Role.EDITOR).id();
    wiring = new TimescaleTarget(db, clock);
    name = target.createDatabase("events", user);
    database =
        wiring
            .databases
            .register(
                owner,
                team,
                DatabaseDraft.of(
                    "Events",
                    "",
                    new ConnectionSpec(
                        target.host(), target.port(), name, user, password, SslMode.DISABLE, null)))
            .id();
  }

  @AfterEach
  void closePools() {
    wiring.close();
  }

  private void events() {
    target.execute(
        name,
        "set role " + user,
        "create table public.events (at timestamptz not null, v int) partition by range (at)",
        "create table public.events_2020 partition of public.events"
            + " for values from ('2020-01-01') to ('2021-01-01')",
        "create table public.events_recent partition of public.events"
            + " for values from ('2021-01-01') to (maxvalue)",
        "create table public.events_other partition of public.events default",
        "create index on public.events (at)",
        "insert into public.events values ('2020-06-01', 1), (now(), 2)");
  }

  private List<String> where(String sql) {
    try (var c = target.admin(name);
        var rs = c.createStatement().executeQuery(sql)) {
      var result = new java.util.ArrayList<String>();
      while (rs.next()) {
        result.add(rs.getString(1) + "=" + rs.getString(2));
      }
      return result;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void partition_retention_drops_the_partitions_past_drop_after_and_keeps_maxvalue_and_default() {
    assertThat(wiring.templates.offers(editor, team, database))
        .filteredOn(o -> o.template() == Template.PARTITION_RETENTION)
        .singleElement()
        .satisfies(o -> assertThat(o.missing()).isPresent());
    events();

    var action =
        wiring.templates.install(
            editor,
            team,
            database,
            new TemplateInstall(
                Template.PARTITION_RETENTION,
                "public",
                "",
                Interval.ofDays(1),
                Map.of("drop_after", "365 days", "table_pattern", "events")));
    assertThat(action.jobName()).isEqualTo("Partition retention (PostgreSQL)");
    assertThat(wiring.actions.runNow(editor, team, action.id()).error()).isEmpty();

    assertThat(
            where(
                "select c.relname, 1 from pg_inherits i join pg_class c on c.oid = i.inhrelid"
                    + " where i.inhparent = 'public.events'::regclass order by 1"))
        .containsExactly("events_other=1", "events_recent=1");
  }

  @Test
  void partition_tiered_storage_moves_old_partitions_and_their_indexes_to_the_tablespace() {
    events();
    assertThat(wiring.templates.offers(editor, team, database))
        .filteredOn(o -> o.template() == Template.PARTITION_TIERED_STORAGE)
        .singleElement()
        .satisfies(
            o ->
                assertThat(o.missing())
                    .hasValueSatisfying(m -> assertThat(m).contains("no tablespace")));
    var tablespace = "cold_" + UUID.randomUUID().toString().substring(0, 8);
    var location = System.getProperty("java.io.tmpdir") + "/hourglass-" + tablespace;
    // The directory must belong to the server's OS user: let the server make it.
    target.execute(
        name,
        "copy (select 1) to program 'mkdir -p " + location + "'",
        "create tablespace " + tablespace + " owner " + user + " location '" + location + "'");
    try {
      assertThatThrownBy(
              () ->
                  wiring.templates.config(
                      editor,
                      team,
                      database,
                      new TemplateInstall(
                          Template.PARTITION_TIERED_STORAGE,
                          "public",
                          "",
                          Interval.ofDays(1),
                          Map.of(
                              "table", "public.events_2020",
                              "lag", "30 days",
                              "destination_tablespace", tablespace))))
          .isInstanceOf(InvalidInputException.class)
          .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo("table"));

      var action =
          wiring.templates.install(
              editor,
              team,
              database,
              new TemplateInstall(
                  Template.PARTITION_TIERED_STORAGE,
                  "public",
                  "Cold events",
                  Interval.ofDays(1),
                  Map.of(
                      "table", "public.events",
                      "lag", "30 days",
                      "destination_tablespace", tablespace)));
      assertThat(wiring.actions.runNow(editor, team, action.id()).error()).isEmpty();

      assertThat(
              where(
                  "select c.relname, coalesce(t.spcname, 'default') from pg_class c"
                      + " left join pg_tablespace t on t.oid = c.reltablespace"
                      + " where c.relname like 'events%' and c.relkind in ('r', 'i') order by 1"))
          .contains("events_2020=" + tablespace, "events_recent=default", "events_other=default")
          .anySatisfy(s -> assertThat(s).startsWith("events_2020_at_idx=" + tablespace));
    } finally {
      target.execute(name, "drop table public.events");
      target.execute("postgres", "drop tablespace " + tablespace);
    }
  }
}
