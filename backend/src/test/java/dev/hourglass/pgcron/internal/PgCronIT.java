package dev.hourglass.pgcron.internal;

import static dev.hourglass.testing.TeamBuilder.aPerson;
import static dev.hourglass.testing.TeamBuilder.aTeam;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.hourglass.action.Action;
import dev.hourglass.action.ActionConfig;
import dev.hourglass.action.ActionDraft;
import dev.hourglass.action.RoutineName;
import dev.hourglass.action.internal.JdbcActionAuthoring;
import dev.hourglass.action.internal.JdbcActionService;
import dev.hourglass.common.AccessDeniedException;
import dev.hourglass.common.InvalidInputException;
import dev.hourglass.common.UserFacingException;
import dev.hourglass.database.ConnectionSpec;
import dev.hourglass.database.DatabaseDraft;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.database.SslMode;
import dev.hourglass.database.internal.Fleet;
import dev.hourglass.database.internal.JdbcDatabaseService;
import dev.hourglass.dispatch.internal.JdbcRunHistory;
import dev.hourglass.infra.PgCronServer;
import dev.hourglass.infra.PostgresServer;
import dev.hourglass.pgcron.AdoptRequest;
import dev.hourglass.pgcron.Comparison;
import dev.hourglass.pgcron.CronRun;
import dev.hourglass.pgcron.PgCronJob;
import dev.hourglass.schedule.ActionSchedule;
import dev.hourglass.schedule.CronSpec;
import dev.hourglass.schedule.Interval;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.Role;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.testing.ControlPlaneDatabase;
import dev.hourglass.testing.TestFleet;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Against a real pg_cron 1.4 (Debian postgresql-15-cron) in its own cluster. The team's user is a
 * plain role with USAGE on schema cron and EXECUTE on cron.schedule_in_database, as an
 * administrator would grant them; pg_cron then shows it only its own jobs. Two every-minute jobs
 * (one succeeding, one failing) are scheduled at the start, so the tests that read runs wait for
 * pg_cron's next minute only once.
 */
class PgCronIT {

  @RegisterExtension static ControlPlaneDatabase db = new ControlPlaneDatabase();

  private static final Duration RUN_WAIT = Duration.ofSeconds(150);

  static PgCronServer cron;
  static PostgresServer.LoginRole role;
  static String shop;
  static Instant started;
  static long tickJob;
  static long boomJob;
  static long superuserJob;

  @BeforeAll
  static void startPgCron() throws SQLException {
    started = Instant.now();
    cron = PgCronServer.start();
    role = cron.createLoginRole("hg");
    shop = cron.createDatabase("shop");
    try (var c = cron.connect(cron.cronDatabase());
        var st = c.createStatement()) {
      st.execute("grant usage on schema cron to " + role.name());
      st.execute(
          "grant execute on function cron.schedule_in_database(text, text, text, text, text,"
              + " boolean) to "
              + role.name());
      superuserJob =
          number(
              c,
              "select cron.schedule_in_database('superuser-job', '0 0 1 1 *', 'select 1', '"
                  + shop
                  + "')");
    }
    try (var c = cron.connect(shop);
        var st = c.createStatement()) {
      st.execute("grant all on schema public to " + role.name());
      st.execute("alter database " + shop + " owner to " + role.name());
    }
    try (var c = asRole(shop);
        var st = c.createStatement()) {
      st.execute("create table ticks (at timestamptz not null default now())");
      st.execute("create table calls (job_id int, config jsonb)");
      st.execute(
          """
          create procedure public.record_call(job_id integer, config jsonb) language sql as $$
            insert into calls values (job_id, config) $$
          """);
      st.execute(
          """
          create function public.record_call_fn(job_id integer, config jsonb) returns void
            language sql as $$ insert into calls values (job_id, config) $$
          """);
    }
    try (var c = asRole(cron.cronDatabase())) {
      tickJob =
          number(
              c,
              "select cron.schedule_in_database('tick', '* * * * *',"
                  + " 'insert into ticks values (now())', '"
                  + shop
                  + "')");
      boomJob =
          number(
              c,
              "select cron.schedule_in_database('boom', '* * * * *', 'select 1/0', '"
                  + shop
                  + "')");
    }
  }

  @AfterAll
  static void stopPgCron() {
    if (cron != null) {
      cron.close();
    }
  }

  private final Clock clock = Clock.systemUTC();
  private final Caller owner = aPerson("Olga");
  private final Caller editor = aPerson("Edda");
  private final Caller viewer = aPerson("Vic");
  private TenantId team;
  private DatabaseId shopId;
  private DatabaseId cronId;
  private Fleet fleet;
  private JdbcDatabaseService databases;
  private JdbcActionService actions;
  private JdbcPgCronService pgCron;

  @BeforeEach
  void aTeamWithTheShopAndTheCronDatabaseRegistered() {
    team = aTeam(db, owner).with(editor, Role.EDITOR).with(viewer, Role.VIEWER).id();
    fleet = TestFleet.open(db);
    databases = new JdbcDatabaseService(db.dataSource(), clock, TestFleet.BOX, fleet);
    shopId = register(team, "Shop", shop);
    cronId = register(team, "Cron", cron.cronDatabase());
    var authoring = new JdbcActionAuthoring(db.dataSource(), fleet.connections());
    actions = new JdbcActionService(db.dataSource(), clock, fleet.connections(), authoring);
    pgCron =
        new JdbcPgCronService(
            db.dataSource(),
            clock,
            fleet.connections(),
            databases,
            actions,
            new JdbcRunHistory(db.dataSource()));
  }

  @AfterEach
  void closePools() {
    fleet.close();
  }

  private DatabaseId register(TenantId tenant, String name, String database) {
    return databases
        .register(
            owner,
            tenant,
            DatabaseDraft.of(
                name,
                "",
                new ConnectionSpec(
                    "127.0.0.1",
                    cron.port(),
                    database,
                    role.name(),
                    role.password(),
                    SslMode.DISABLE,
                    null)))
        .id();
  }

  // --- where pg_cron is --------------------------------------------------------------------------

  @Test
  void a_database_beside_the_cron_database_reaches_pg_cron_through_its_registration() {
    var site = pgCron.site(viewer, team, shopId);
    assertThat(site.problem()).isEmpty();
    assertThat(site.usable()).isTrue();
    assertThat(site.databaseName()).isEqualTo(shop);
    assertThat(site.cronDatabase()).contains(cronId);
    assertThat(site.cronDatabaseName()).contains("postgres");
    assertThat(site.isCronDatabase()).isFalse();
    assertThat(site.version().orElseThrow().text()).startsWith("1.4");
    assertThat(site.version().orElseThrow().text()).isEqualTo(cron.pgCronVersion());
    assertThat(site.zone()).isEqualTo(ZoneId.of("GMT"));
    assertThat(site.mayScheduleInOtherDatabases()).isTrue();

    var own = pgCron.site(viewer, team, cronId);
    assertThat(own.usable()).isTrue();
    assertThat(own.isCronDatabase()).isTrue();
    assertThat(own.cronDatabase()).contains(cronId);
  }

  @Test
  void without_a_registration_of_the_cron_database_the_page_says_how_to_register_it() {
    var other = aTeam(db, owner).id();
    var onlyShop = register(other, "Shop", shop);
    var site = pgCron.site(owner, other, onlyShop);
    assertThat(site.usable()).isFalse();
    assertThat(site.problem().orElseThrow())
        .contains("pg_cron is loaded on this server, but not in '" + shop + "'")
        .contains("Register the database pg_cron lives in (usually postgres)")
        .contains("port (" + cron.port() + ")")
        .contains("USAGE on the schema cron");
    assertThatThrownBy(() -> pgCron.compare(owner, other, onlyShop, started, Instant.now()))
        .isInstanceOf(UserFacingException.class)
        .hasMessageContaining("Register the database pg_cron lives in");
    // The equivalents are still shown, for pg_cron 1.4 in GMT.
    assertThat(pgCron.overview(owner, other, onlyShop, started).jobs()).isEmpty();
  }

  // --- export
  // -------------------------------------------------------------------------------------

  @Test
  void exported_statements_are_accepted_by_pg_cron_and_give_back_the_same_schedule_and_command()
      throws Exception {
    var every15 =
        add(
            "Every 15 from :07",
            "record_call",
            "{\"who\": \"O'Hara\", \"path\": \"C:\\\\temp\"}",
            ActionSchedule.every(Interval.parse("15 minutes"))
                .initialStart(Instant.parse("2026-11-26T09:07:00Z"))
                .build(clock.instant()));
    var daily =
        add(
            "Daily",
            "record_call",
            null,
            ActionSchedule.every(Interval.parse("1 day"))
                .initialStart(Instant.parse("2026-11-27T03:15:00Z"))
                .build(clock.instant()));
    var weekdays =
        add(
            "Weekdays",
            "record_call_fn",
            "{\"n\": 1}",
            ActionSchedule.cron(CronSpec.parse("0 3 * * 1-5")).build(clock.instant()));

    for (var action : List.of(every15, daily, weekdays)) {
      var equivalent = pgCron.equivalent(viewer, team, action.id());
      assertThat(equivalent.expressible()).as(action.jobName()).isTrue();
      var result = pgCron.export(editor, team, action.id(), action == every15);
      assertThat(result.statement()).isEqualTo(equivalent.statement().orElseThrow());

      try (var c = cron.connect(cron.cronDatabase())) {
        var row =
            text(
                c,
                "select jobname || '|' || schedule || '|' || database || '|' || username || '|'"
                    + " || active from cron.job where jobid = "
                    + result.cronJobId());
        assertThat(row)
            .isEqualTo(
                equivalent.jobName()
                    + "|"
                    + equivalent.schedule().orElseThrow()
                    + "|"
                    + shop
                    + "|"
                    + role.name()
                    + "|true");
        assertThat(text(c, "select command from cron.job where jobid = " + result.cronJobId()))
            .isEqualTo(equivalent.command());
      }
      // The command pg_cron stored runs, with the action's job_id and config intact.
      try (var c = asRole(shop);
          var st = c.createStatement()) {
        st.execute("truncate calls");
        st.execute(equivalent.command());
        assertThat(text(c, "select job_id || '|' || coalesce(config::text, 'NULL') from calls"))
            .isEqualTo(
                action.jobId()
                    + "|"
                    + (action.config().isEmpty()
                        ? "NULL"
                        : text(
                            c,
                            "select '"
                                + action.config().json().replace("'", "''")
                                + "'::jsonb::text")));
      }
      assertThat(pgCron.equivalent(viewer, team, action.id()).exportedAs())
          .contains(result.cronJobId());
    }
    assertThat(pgCron.equivalent(viewer, team, every15.id()).schedule())
        .contains("7,22,37,52 * * * *");
    assertThat(pgCron.equivalent(viewer, team, daily.id()).schedule()).contains("15 3 * * *");
    assertThat(actions.get(viewer, team, every15.id()).status()).isEqualTo(Action.Status.PAUSED);
    assertThat(actions.get(viewer, team, daily.id()).status()).isEqualTo(Action.Status.ACTIVE);

    // A second export of the same action is refused: pg_cron would overwrite the job by name.
    assertThatThrownBy(() -> pgCron.export(editor, team, daily.id(), false))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("already in pg_cron as job")
        .hasMessageContaining("Nothing was exported");
  }

  @Test
  void an_action_pg_cron_cannot_express_is_refused_with_the_reason_and_nothing_is_created()
      throws Exception {
    var drifting =
        add(
            "Drifting",
            "record_call",
            null,
            ActionSchedule.every(Interval.parse("5 minutes"))
                .fixedSchedule(false)
                .build(clock.instant()));
    assertThatThrownBy(() -> pgCron.export(editor, team, drifting.id(), true))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("finish-relative")
        .hasMessageContaining("Nothing was exported");
    assertThat(cronJobsNamed(CronTranslation.jobName(drifting.jobId()))).isZero();
    assertThat(actions.get(viewer, team, drifting.id()).status()).isEqualTo(Action.Status.ACTIVE);
  }

  @Test
  void an_export_whose_pause_fails_unschedules_the_new_pg_cron_job_again() throws Exception {
    var action =
        add(
            "Hourly",
            "record_call",
            null,
            ActionSchedule.every(Interval.parse("1 hour"))
                .initialStart(Instant.parse("2026-11-26T00:10:00Z"))
                .build(clock.instant()));
    // The control plane refuses to pause this one action, as a failing database would.
    try (var c = db.ownerDataSource().getConnection();
        var st = c.createStatement()) {
      st.execute(
          """
          create or replace function refuse_pause() returns trigger language plpgsql as $$
          begin raise exception 'pausing is switched off for this test'; end $$
          """);
      st.execute(
          "create trigger refuse_pause before update on action for each row when"
              + " (old.id = '"
              + action.id()
              + "' and new.next_start is null) execute function refuse_pause()");
    }
    try {
      assertThatThrownBy(() -> pgCron.export(editor, team, action.id(), true))
          .isInstanceOf(UserFacingException.class)
          .hasMessageContaining("Could not pause the action after creating pg_cron job")
          .hasMessageContaining("Nothing was changed");
    } finally {
      try (var c = db.ownerDataSource().getConnection();
          var st = c.createStatement()) {
        st.execute("drop trigger refuse_pause on action");
      }
    }
    assertThat(cronJobsNamed(CronTranslation.jobName(action.jobId()))).isZero();
    assertThat(actions.get(viewer, team, action.id()).status()).isEqualTo(Action.Status.ACTIVE);
  }

  @Test
  void without_the_grant_to_schedule_in_other_databases_export_says_which_grant_is_missing()
      throws Exception {
    var action =
        add(
            "Daily at four",
            "record_call",
            null,
            ActionSchedule.every(Interval.parse("1 day"))
                .initialStart(Instant.parse("2026-11-27T04:00:00Z"))
                .build(clock.instant()));
    var function = "cron.schedule_in_database(text, text, text, text, text, boolean)";
    superuser("revoke execute on function " + function + " from " + role.name());
    try {
      assertThat(pgCron.site(viewer, team, shopId).mayScheduleInOtherDatabases()).isFalse();
      assertThatThrownBy(() -> pgCron.export(editor, team, action.id(), true))
          .isInstanceOf(UserFacingException.class)
          .hasMessageContaining("GRANT EXECUTE ON FUNCTION cron.schedule_in_database")
          .hasMessageContaining("Nothing was exported");
    } finally {
      superuser("grant execute on function " + function + " to " + role.name());
    }
    assertThat(cronJobsNamed(CronTranslation.jobName(action.jobId()))).isZero();
    assertThat(actions.get(viewer, team, action.id()).status()).isEqualTo(Action.Status.ACTIVE);
  }

  // --- import and comparison ------------------------------------------------------------------

  @Test
  void import_reads_real_job_run_details_rows_after_pg_cron_ran_the_jobs() throws Exception {
    awaitRuns();
    var overview = pgCron.overview(viewer, team, shopId, started.minusSeconds(60));
    assertThat(overview.jobs())
        .extracting(PgCronJob::jobId)
        .contains(tickJob, boomJob)
        // pg_cron shows the team's user only its own jobs.
        .doesNotContain(superuserJob);
    var tick = job(overview.jobs(), tickJob);
    assertThat(tick.label()).isEqualTo("tick");
    assertThat(tick.schedule()).isEqualTo("* * * * *");
    assertThat(tick.command()).isEqualTo("insert into ticks values (now())");
    assertThat(tick.active()).isTrue();
    assertThat(tick.database()).isEqualTo(shop);
    assertThat(tick.summary().succeeded()).isPositive();
    assertThat(tick.summary().successRate()).contains(1.0);
    assertThat(tick.summary().lagMedian().orElseThrow())
        .isBetween(Duration.ZERO, Duration.ofSeconds(30));
    assertThat(tick.summary().durationMax().orElseThrow())
        .isBetween(Duration.ZERO, Duration.ofSeconds(30));
    assertThat(tick.runs().get(0).slot().orElseThrow().getEpochSecond() % 60).isZero();
    var boom = job(overview.jobs(), boomJob);
    assertThat(boom.summary().failed()).isPositive();
    assertThat(boom.summary().successRate()).contains(0.0);
    assertThat(boom.runs()).anyMatch(r -> r.message().contains("division by zero"));

    // The cron database's own page shows only the jobs that run in it: none here.
    assertThat(pgCron.overview(viewer, team, cronId, started).jobs()).isEmpty();
  }

  @Test
  void the_comparison_lays_pg_cron_runs_and_action_runs_side_by_side() throws Exception {
    awaitRuns();
    var action =
        add(
            "Every minute",
            "record_call",
            null,
            ActionSchedule.cron(CronSpec.parse("* * * * *")).build(clock.instant()));
    var slot = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
    recordRun(action, slot.minusSeconds(120), "SUCCEEDED", 50, 400);
    recordRun(action, slot.minusSeconds(60), "FAILED", 150, 200);

    var comparison =
        pgCron.compare(
            viewer, team, shopId, started.minusSeconds(600), Instant.now().plusSeconds(1));
    assertThat(comparison.lanes())
        .extracting(Comparison.Lane::source, Comparison.Lane::name)
        .contains(
            org.assertj.core.groups.Tuple.tuple(Comparison.Source.PG_CRON, "tick"),
            org.assertj.core.groups.Tuple.tuple(Comparison.Source.PG_CRON, "boom"),
            org.assertj.core.groups.Tuple.tuple(Comparison.Source.HOURGLASS, "Every minute"));
    var lane =
        comparison.lanes().stream()
            .filter(l -> l.source() == Comparison.Source.HOURGLASS)
            .findFirst()
            .orElseThrow();
    assertThat(lane.summary().runs()).isEqualTo(2);
    assertThat(lane.summary().successRate()).contains(0.5);
    assertThat(lane.summary().lagMax()).contains(Duration.ofMillis(400));
    assertThat(lane.summary().durationMedian()).contains(Duration.ofMillis(50));
    assertThat(lane.runs())
        .extracting(CronRun::outcome)
        .containsExactly(CronRun.Outcome.SUCCEEDED, CronRun.Outcome.FAILED);
    var tick =
        comparison.lanes().stream().filter(l -> l.name().equals("tick")).findFirst().orElseThrow();
    assertThat(tick.summary().runs()).isPositive();
    assertThat(tick.schedule()).isEqualTo("* * * * * (GMT)");

    assertThatThrownBy(
            () ->
                pgCron.compare(viewer, team, shopId, Instant.now(), Instant.now().minusSeconds(1)))
        .isInstanceOf(InvalidInputException.class);
  }

  // --- adopt
  // --------------------------------------------------------------------------------------

  @Test
  void adopting_a_job_makes_an_action_on_its_schedule_and_unschedules_it_after_confirmation()
      throws Exception {
    long job = scheduleAsRole("adopt-me", "30 4 * * *", "insert into ticks values ('2000-01-01')");

    assertThatThrownBy(() -> new AdoptRequest(job, "", Optional.empty(), true, false))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Tick the confirmation");
    var action =
        pgCron.adopt(editor, team, shopId, new AdoptRequest(job, "", Optional.empty(), true, true));

    assertThat(action.jobName()).startsWith("pg_cron job " + job + " (adopt-me-");
    assertThat(action.routine()).isEqualTo(new RoutineName("public", "pg_cron_job_" + job));
    assertThat(action.schedule().recurrence()).isEqualTo(CronSpec.parse("30 4 * * *"));
    assertThat(action.schedule().timezoneIfAny()).isEmpty();
    assertThat(action.status()).isEqualTo(Action.Status.ACTIVE);
    assertThat(action.nextStart().orElseThrow().toString()).endsWith("T04:30:00Z");
    assertThat(cronJobs(job)).isZero();

    // The wrapper runs the job's command.
    var run = actions.runNow(editor, team, action.id());
    assertThat(run.error()).isEmpty();
    try (var c = asRole(shop)) {
      assertThat(number(c, "select count(*) from ticks where at = '2000-01-01'")).isEqualTo(1);
    }
  }

  @Test
  void adopting_without_unscheduling_keeps_the_job_and_leaves_the_action_unscheduled()
      throws Exception {
    long job = scheduleAsRole("keep-me", "0 5 * * *", "select 1");
    var action =
        pgCron.adopt(
            editor, team, shopId, new AdoptRequest(job, "Kept", Optional.empty(), false, false));
    assertThat(action.jobName()).isEqualTo("Kept");
    assertThat(action.status()).isEqualTo(Action.Status.DISABLED);
    assertThat(cronJobs(job)).isEqualTo(1);
  }

  @Test
  void adopting_fails_whole_when_the_action_name_is_taken() throws Exception {
    add(
        "Taken",
        "record_call",
        null,
        ActionSchedule.cron(CronSpec.parse("0 1 * * *")).build(clock.instant()));
    long job = scheduleAsRole("clash", "0 6 * * *", "select 1");
    assertThatThrownBy(
            () ->
                pgCron.adopt(
                    editor,
                    team,
                    shopId,
                    new AdoptRequest(job, "Taken", Optional.empty(), true, true)))
        .isInstanceOf(UserFacingException.class)
        .hasMessageContaining("Nothing was changed");
    assertThat(procedures("pg_cron_job_" + job)).isZero();
    assertThat(cronJobs(job)).isEqualTo(1);
    assertThat(actions.list(viewer, team, Optional.empty()))
        .extracting(Action::jobName)
        .containsExactly("Taken");
  }

  @Test
  void adopting_fails_whole_when_pg_cron_refuses_the_unschedule() throws Exception {
    long job = scheduleAsRole("refused", "0 7 * * *", "select 1");
    superuser("revoke execute on function cron.unschedule(bigint) from public");
    try {
      assertThatThrownBy(
              () ->
                  pgCron.adopt(
                      editor,
                      team,
                      shopId,
                      new AdoptRequest(job, "", Optional.empty(), true, true)))
          .isInstanceOf(UserFacingException.class)
          .hasMessageContaining("permission denied")
          .hasMessageContaining("Nothing was changed");
    } finally {
      superuser("grant execute on function cron.unschedule(bigint) to public");
    }
    assertThat(procedures("pg_cron_job_" + job)).isZero();
    assertThat(cronJobs(job)).isEqualTo(1);
    assertThat(actions.list(viewer, team, Optional.empty())).isEmpty();
  }

  @Test
  void a_procedure_name_clash_refuses_the_adoption_before_anything_changes() throws Exception {
    long job = scheduleAsRole("named", "0 8 * * *", "select 1");
    try (var c = asRole(shop);
        var st = c.createStatement()) {
      st.execute(
          "create procedure public.pg_cron_job_"
              + job
              + "(job_id integer, config jsonb) language sql as $$ select 2 $$");
    }
    assertThatThrownBy(
            () ->
                pgCron.adopt(
                    editor, team, shopId, new AdoptRequest(job, "", Optional.empty(), true, true)))
        .isInstanceOf(UserFacingException.class)
        .hasMessageContaining("already exists")
        .hasMessageContaining("Nothing was changed");
    assertThat(procedures("pg_cron_job_" + job)).isEqualTo(1);
    assertThat(cronJobs(job)).isEqualTo(1);
    assertThat(actions.list(viewer, team, Optional.empty())).isEmpty();
  }

  @Test
  void jobs_whose_command_cannot_run_in_a_procedure_or_whose_schedule_is_not_cron_are_refused()
      throws Exception {
    long vacuum = scheduleAsRole("vacuum", "0 2 * * *", "VACUUM ticks");
    assertThatThrownBy(
            () ->
                pgCron.adopt(
                    editor,
                    team,
                    shopId,
                    new AdoptRequest(vacuum, "", Optional.empty(), false, false)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("VACUUM");
    long reboot = scheduleAsRole("reboot", "@reboot", "select 1");
    assertThatThrownBy(
            () ->
                pgCron.adopt(
                    editor,
                    team,
                    shopId,
                    new AdoptRequest(reboot, "", Optional.empty(), false, false)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("@reboot");
    assertThat(actions.list(viewer, team, Optional.empty())).isEmpty();
  }

  // --- who may
  // --------------------------------------------------------------------------------------

  @Test
  void a_member_of_another_team_reaches_none_of_the_pg_cron_views_or_operations() throws Exception {
    var action =
        add(
            "Ours",
            "record_call",
            null,
            ActionSchedule.cron(CronSpec.parse("0 9 * * *")).build(clock.instant()));
    long job = scheduleAsRole("ours", "0 9 * * *", "select 1");
    var stranger = aPerson("Stan");
    var theirs = aTeam(db, stranger).id();
    var now = Instant.now();
    List<Runnable> attempts = new ArrayList<>();
    for (var tenant : List.of(team, theirs)) {
      attempts.add(() -> pgCron.site(stranger, tenant, shopId));
      attempts.add(() -> pgCron.overview(stranger, tenant, shopId, now));
      attempts.add(() -> pgCron.equivalent(stranger, tenant, action.id()));
      attempts.add(() -> pgCron.compare(stranger, tenant, shopId, now.minusSeconds(60), now));
      attempts.add(
          () ->
              pgCron.adopt(
                  stranger,
                  tenant,
                  shopId,
                  new AdoptRequest(job, "", Optional.empty(), true, true)));
      attempts.add(() -> pgCron.export(stranger, tenant, action.id(), true));
    }
    for (var attempt : attempts) {
      assertThatThrownBy(attempt::run).isInstanceOf(UserFacingException.class);
    }
    // With their own team, the ids are unknown; with ours, they are not a member.
    assertThatThrownBy(() -> pgCron.overview(stranger, team, shopId, now))
        .isInstanceOf(AccessDeniedException.class);
    // A viewer may look but neither adopt nor export.
    assertThat(pgCron.overview(viewer, team, shopId, now).site().usable()).isTrue();
    assertThatThrownBy(
            () ->
                pgCron.adopt(
                    viewer, team, shopId, new AdoptRequest(job, "", Optional.empty(), true, true)))
        .isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> pgCron.export(viewer, team, action.id(), true))
        .isInstanceOf(AccessDeniedException.class);
    assertThat(cronJobs(job)).isEqualTo(1);
    assertThat(cronJobsNamed(CronTranslation.jobName(action.jobId()))).isZero();
    assertThat(actions.list(viewer, team, Optional.empty())).hasSize(1);
  }

  // --- helpers
  // --------------------------------------------------------------------------------------

  private Action add(String name, String routine, String config, ActionSchedule schedule) {
    return actions.add(
        editor,
        team,
        new ActionDraft(
            shopId,
            name,
            new RoutineName("public", routine),
            new ActionConfig(config),
            Optional.empty(),
            schedule,
            true,
            Duration.ZERO,
            Optional.empty()));
  }

  private void recordRun(Action action, Instant slot, String status, long durationMs, long lagMs)
      throws SQLException {
    try (var c = db.ownerDataSource().getConnection();
        var ps =
            c.prepareStatement(
                "insert into action_run (tenant_id, action_id, database_id, job_id,"
                    + " scheduled_for, attempt, status, node, claimed_at, started_at, finished_at)"
                    + " values (?, ?, ?, ?, ?, 1, ?, 'test', ?, ?, ?)")) {
      var start = slot.plusMillis(lagMs);
      ps.setObject(1, team.value());
      ps.setObject(2, action.id().value());
      ps.setObject(3, shopId.value());
      ps.setInt(4, action.jobId());
      ps.setTimestamp(5, Timestamp.from(slot));
      ps.setString(6, status);
      ps.setTimestamp(7, Timestamp.from(slot.minusSeconds(1)));
      ps.setTimestamp(8, Timestamp.from(start));
      ps.setTimestamp(9, Timestamp.from(start.plusMillis(durationMs)));
      ps.executeUpdate();
    }
  }

  private static PgCronJob job(List<PgCronJob> jobs, long id) {
    return jobs.stream().filter(j -> j.jobId() == id).findFirst().orElseThrow();
  }

  /** Waits (pg_cron runs on the real clock, once a minute) for a run of both jobs. */
  private static void awaitRuns() throws Exception {
    long deadline = System.nanoTime() + RUN_WAIT.toNanos();
    while (true) {
      try (var c = cron.connect(cron.cronDatabase())) {
        long done =
            number(
                c,
                "select count(distinct jobid) from cron.job_run_details where status in"
                    + " ('succeeded', 'failed') and jobid in ("
                    + tickJob
                    + ", "
                    + boomJob
                    + ")");
        if (done == 2) {
          return;
        }
      }
      if (System.nanoTime() > deadline) {
        fail("pg_cron ran no job within " + RUN_WAIT.toSeconds() + " s\n" + cron.logTail());
      }
      Thread.sleep(500);
    }
  }

  private static long scheduleAsRole(String name, String schedule, String command)
      throws SQLException {
    try (var c = asRole(cron.cronDatabase());
        var ps = c.prepareStatement("select cron.schedule_in_database(?, ?, ?, ?)")) {
      ps.setString(1, name + "-" + UUID.randomUUID().toString().substring(0, 8));
      ps.setString(2, schedule);
      ps.setString(3, command);
      ps.setString(4, shop);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static long cronJobs(long job) throws SQLException {
    try (var c = cron.connect(cron.cronDatabase())) {
      return number(c, "select count(*) from cron.job where jobid = " + job);
    }
  }

  private static long cronJobsNamed(String name) throws SQLException {
    try (var c = cron.connect(cron.cronDatabase())) {
      return number(c, "select count(*) from cron.job where jobname = '" + name + "'");
    }
  }

  private static long procedures(String name) throws SQLException {
    try (var c = cron.connect(shop)) {
      return number(c, "select count(*) from pg_proc where proname = '" + name + "'");
    }
  }

  private static void superuser(String sql) throws SQLException {
    try (var c = cron.connect(cron.cronDatabase());
        var st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private static Connection asRole(String database) throws SQLException {
    return java.sql.DriverManager.getConnection(
        cron.jdbcUrl(database), role.name(), role.password());
  }

  private static String text(Connection c, String sql) throws SQLException {
    try (var st = c.createStatement();
        var rs = st.executeQuery(sql)) {
      assertThat(rs.next()).as("a row from %s", sql).isTrue();
      return rs.getString(1);
    }
  }

  private static long number(Connection c, String sql) throws SQLException {
    try (var st = c.createStatement();
        var rs = st.executeQuery(sql)) {
      assertThat(rs.next()).as("a row from %s", sql).isTrue();
      return rs.getLong(1);
    }
  }
}
