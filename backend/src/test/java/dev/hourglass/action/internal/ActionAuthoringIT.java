package dev.hourglass.action.internal;

import static dev.hourglass.testing.TeamBuilder.aPerson;
import static dev.hourglass.testing.TeamBuilder.aTeam;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.action.ActionConfig;
import dev.hourglass.action.ForegroundRun;
import dev.hourglass.action.Notice;
import dev.hourglass.action.Routine;
import dev.hourglass.action.RoutineName;
import dev.hourglass.action.SqlProblem;
import dev.hourglass.common.AccessDeniedException;
import dev.hourglass.common.InvalidInputException;
import dev.hourglass.database.ConnectionSpec;
import dev.hourglass.database.DatabaseDraft;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.database.SslMode;
import dev.hourglass.database.internal.Fleet;
import dev.hourglass.database.internal.JdbcDatabaseService;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.Role;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.testing.ControlPlaneDatabase;
import dev.hourglass.testing.MutableClock;
import dev.hourglass.testing.ScratchPostgres;
import dev.hourglass.testing.TestFleet;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Authoring actions inside a real target database (a scratch PostgreSQL with password auth). */
class ActionAuthoringIT {

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

  private final Caller editor = aPerson("Edda");
  private final Caller viewer = aPerson("Vic");
  private TenantId team;
  private DatabaseId database;
  private String databaseName;
  private Caller owner;
  private JdbcDatabaseService databases;
  private Fleet fleet;
  private JdbcActionAuthoring authoring;

  @BeforeEach
  void aTeamWithADatabase() {
    owner = aPerson("Olga");
    team = aTeam(db, owner).with(editor, Role.EDITOR).with(viewer, Role.VIEWER).id();
    var box = TestFleet.BOX;
    fleet = TestFleet.open(db);
    databaseName = target.createDatabase("shop", user);
    databases =
        new JdbcDatabaseService(
            db.dataSource(), new MutableClock(Instant.parse("2026-11-26T09:00:00Z")), box, fleet);
    database =
        databases
            .register(
                owner,
                team,
                DatabaseDraft.of(
                    "Shop",
                    "",
                    new ConnectionSpec(
                        target.host(),
                        target.port(),
                        databaseName,
                        user,
                        password,
                        SslMode.DISABLE,
                        null)))
            .id();
    authoring = new JdbcActionAuthoring(db.dataSource(), fleet.connections());
  }

  @AfterEach
  void closePools() {
    fleet.close();
  }

  private static final String PROCEDURE =
      """
      create procedure public.refresh_totals(job_id integer, config jsonb)
      language plpgsql as $$
      begin
        raise notice 'job % starts with %', job_id, config;
        raise debug 'debug detail for job %', job_id;
        create table if not exists totals (job integer, at timestamptz default now());
        insert into totals (job) values (job_id);
        if config ? 'fail' then
          raise exception 'asked to fail' using detail = 'config had fail', hint = 'remove it';
        end if;
      end $$;
      """;

  private static final String CHECK =
      """
      create function public.check_totals(config jsonb) returns void
      language plpgsql as $$
      begin
        if not config ? 'drop_after' then
          raise exception 'config must contain drop_after';
        end if;
      end $$;
      """;

  private Routine routine(String name) {
    return authoring.routines(viewer, team, database).stream()
        .filter(r -> r.name().name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void a_procedure_written_in_the_app_is_created_and_listed_as_usable() {
    var after = authoring.createRoutine(editor, team, database, PROCEDURE);
    assertThat(after)
        .anySatisfy(
            r -> {
              assertThat(r.name()).isEqualTo(new RoutineName("public", "refresh_totals"));
              assertThat(r.kind()).isEqualTo(Routine.Kind.PROCEDURE);
              assertThat(r.arguments()).isEqualTo("IN job_id integer, IN config jsonb");
              assertThat(r.usableAsAction()).isTrue();
            });
  }

  @Test
  void routines_with_another_signature_say_why_they_cannot_be_actions() {
    authoring.createRoutine(
        editor,
        team,
        database,
        "create function public.add_one(x integer) returns integer language sql as 'select x + 1';"
            + CHECK);
    assertThat(routine("add_one").whyNotAction())
        .isEqualTo("It takes (integer); an action takes (job_id integer, config jsonb).");
    assertThat(routine("check_totals").usableAsCheck()).isTrue();
    assertThat(routine("check_totals").whyNotAction()).contains("It takes (jsonb)");
  }

  @Test
  void a_syntax_error_is_shown_with_its_line_and_column_and_nothing_stays() {
    var sql =
        "create procedure public.first_one(job_id integer, config jsonb)\n"
            + "language sql as $$ select 1 $$;\n"
            + "create procedure public.broken(job_id integer, config jsonb)\n"
            + "languag plpgsql as $$ begin end $$;";
    assertThatThrownBy(() -> authoring.createRoutine(editor, team, database, sql))
        .isInstanceOf(SqlProblem.class)
        .hasMessageContaining("syntax error")
        .hasMessageContaining("(line 4, column 1)")
        .satisfies(e -> assertThat(((SqlProblem) e).sqlState()).isEqualTo("42601"));
    assertThat(authoring.routines(viewer, team, database))
        .as("the first statement was rolled back with the second")
        .noneMatch(r -> r.name().name().equals("first_one"));
  }

  @Test
  void a_user_without_create_privilege_gets_postgresqls_permission_error() {
    var limitedPassword = ScratchPostgres.randomPassword();
    var limited = target.createUser("limited", limitedPassword);
    target.execute(databaseName, "revoke create on schema public from public");
    var limitedDb =
        databases
            .register(
                owner,
                team,
                DatabaseDraft.of(
                    "Shop (read-only user)",
                    "",
                    new ConnectionSpec(
                        target.host(),
                        target.port(),
                        databaseName,
                        limited,
                        limitedPassword,
                        SslMode.DISABLE,
                        null)))
            .id();
    assertThatThrownBy(() -> authoring.createRoutine(editor, team, limitedDb, PROCEDURE))
        .isInstanceOf(SqlProblem.class)
        .hasMessageContaining("permission denied for schema public")
        .satisfies(e -> assertThat(((SqlProblem) e).sqlState()).isEqualTo("42501"));
  }

  @Test
  void check_config_rejecting_the_config_gives_its_message_back() {
    authoring.createRoutine(editor, team, database, CHECK);
    var check = new RoutineName("public", "check_totals");
    assertThatThrownBy(
            () ->
                authoring.checkConfig(
                    editor, team, database, check, new ActionConfig("{\"lag\": \"1 day\"}")))
        .isInstanceOf(SqlProblem.class)
        .hasMessage("config must contain drop_after");
    authoring.checkConfig(
        editor, team, database, check, new ActionConfig("{\"drop_after\": \"30 days\"}"));
  }

  @Test
  void a_procedure_cannot_serve_as_check_config() {
    authoring.createRoutine(editor, team, database, PROCEDURE);
    assertThatThrownBy(
            () ->
                authoring.checkConfig(
                    editor,
                    team,
                    database,
                    new RoutineName("public", "refresh_totals"),
                    ActionConfig.none()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("check_config must be a function");
  }

  @Test
  void running_now_collects_notices_down_to_debug_and_commits() throws Exception {
    authoring.createRoutine(editor, team, database, PROCEDURE);
    var run =
        authoring.runNow(
            editor,
            team,
            database,
            new RoutineName("public", "refresh_totals"),
            1042,
            new ActionConfig("{\"x\": 1}"));

    assertThat(run.succeeded()).isTrue();
    assertThat(run.notices())
        .contains(
            new Notice("NOTICE", "job 1042 starts with {\"x\": 1}"),
            new Notice("DEBUG", "debug detail for job 1042"));
    try (var c = target.admin(databaseName);
        var rs = c.createStatement().executeQuery("select count(*) from totals where job = 1042")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(1);
    }
  }

  @Test
  void notices_reach_the_watcher_while_the_action_still_runs() {
    authoring.createRoutine(
        editor,
        team,
        database,
        """
        create procedure public.slow(job_id integer, config jsonb) language plpgsql as $$
        begin
          raise notice 'step 1 of 2';
          perform pg_sleep(1.5);
          raise notice 'step 2 of 2';
        end $$;
        """);
    var arrivals = new java.util.concurrent.ConcurrentHashMap<String, Long>();
    long start = System.nanoTime();
    var run =
        authoring.runNow(
            editor,
            team,
            database,
            new RoutineName("public", "slow"),
            5,
            ActionConfig.none(),
            java.time.Duration.ZERO,
            n -> arrivals.put(n.message(), System.nanoTime() - start));
    long end = System.nanoTime() - start;

    assertThat(run.succeeded()).isTrue();
    assertThat(arrivals).containsKeys("step 1 of 2", "step 2 of 2");
    assertThat(end - arrivals.get("step 1 of 2"))
        .as("the first notice arrived at least a second before the call returned")
        .isGreaterThan(java.time.Duration.ofSeconds(1).toNanos());
  }

  @Test
  void max_runtime_cancels_the_run_on_the_target_and_a_flood_of_notices_is_capped() {
    authoring.createRoutine(
        editor,
        team,
        database,
        """
        create procedure public.chatty(job_id integer, config jsonb) language plpgsql as $$
        begin
          for i in 1..20000 loop raise notice 'line %', i; end loop;
          perform pg_sleep(10);
        end $$;
        """);
    var run =
        authoring.runNow(
            editor,
            team,
            database,
            new RoutineName("public", "chatty"),
            9,
            ActionConfig.none(),
            java.time.Duration.ofSeconds(2),
            n -> {});
    assertThat(run.succeeded()).isFalse();
    assertThat(run.error().orElseThrow().sqlState()).as("query_canceled").isEqualTo("57014");
    assertThat(run.took()).isLessThan(java.time.Duration.ofSeconds(8));
    assertThat(run.notices()).hasSizeLessThanOrEqualTo(ForegroundRun.MAX_NOTICES + 1);
    assertThat(run.notices().get(run.notices().size() - 1).message())
        .endsWith("more notices were not kept.");
  }

  @Test
  void a_set_returning_function_is_counted_on_the_server() {
    authoring.createRoutine(
        editor,
        team,
        database,
        "create function public.many(job_id integer, config jsonb) returns setof integer"
            + " language sql as 'select generate_series(1, 1000000)'");
    var run =
        authoring.runNow(
            editor, team, database, new RoutineName("public", "many"), 3, ActionConfig.none());
    assertThat(run.succeeded()).isTrue();
  }

  @Test
  void a_failing_run_reports_the_error_with_detail_and_hint() {
    authoring.createRoutine(editor, team, database, PROCEDURE);
    var run =
        authoring.runNow(
            editor,
            team,
            database,
            new RoutineName("public", "refresh_totals"),
            7,
            new ActionConfig("{\"fail\": true}"));
    assertThat(run.succeeded()).isFalse();
    var error = run.error().orElseThrow();
    assertThat(error.getMessage()).isEqualTo("asked to fail");
    assertThat(error.sqlState()).isEqualTo("P0001");
    assertThat(error.detail()).isEqualTo("config had fail");
    assertThat(error.hint()).isEqualTo("remove it");
    assertThat(run.notices()).extracting(Notice::severity).contains("NOTICE");
  }

  @Test
  void a_missing_routine_or_wrong_signature_is_refused_by_name() {
    authoring.createRoutine(
        editor,
        team,
        database,
        "create function public.add_one(x integer) returns integer language sql as 'select x + 1';");
    assertThatThrownBy(
            () ->
                authoring.runNow(
                    editor,
                    team,
                    database,
                    new RoutineName("public", "nope"),
                    1,
                    ActionConfig.none()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("There is no function or procedure public.nope");
    assertThatThrownBy(
            () ->
                authoring.runNow(
                    editor,
                    team,
                    database,
                    new RoutineName("public", "add_one"),
                    1,
                    ActionConfig.none()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("an action takes (job_id integer, config jsonb)");
  }

  @Test
  void config_that_is_not_json_is_refused_with_where() {
    assertThatThrownBy(() -> new ActionConfig("{\"drop_after\": }"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not valid JSON (line 1, column");
  }

  @Test
  void a_viewer_may_list_but_not_create_or_run() {
    assertThat(authoring.routines(viewer, team, database)).isNotNull();
    assertThatThrownBy(() -> authoring.createRoutine(viewer, team, database, PROCEDURE))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining("to change actions you need to be editor or higher");
    assertThatThrownBy(
            () ->
                authoring.runNow(
                    viewer, team, database, new RoutineName("public", "x"), 1, ActionConfig.none()))
        .isInstanceOf(AccessDeniedException.class);
  }

  @Test
  void routine_names_parse_like_postgresql_identifiers() {
    assertThat(RoutineName.parse("Refresh")).isEqualTo(new RoutineName("public", "refresh"));
    assertThat(RoutineName.parse("ops.\"Nightly Job\""))
        .isEqualTo(new RoutineName("ops", "Nightly Job"));
    assertThat(new RoutineName("a\"b", "c").sql()).isEqualTo("\"a\"\"b\".\"c\"");
    assertThatThrownBy(() -> RoutineName.parse("a.b.c")).isInstanceOf(InvalidInputException.class);
  }
}
