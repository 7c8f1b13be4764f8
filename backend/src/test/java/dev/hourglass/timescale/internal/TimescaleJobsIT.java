package dev.hourglass.timescale.internal;

import static dev.hourglass.testing.TeamBuilder.aPerson;
import static dev.hourglass.testing.TeamBuilder.aTeam;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.action.Action;
import dev.hourglass.action.ActionConfig;
import dev.hourglass.action.ActionDraft;
import dev.hourglass.action.RoutineName;
import dev.hourglass.common.AccessDeniedException;
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
import dev.hourglass.timescale.NativeJob;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Native TimescaleDB jobs next to actions, adopted and handed back, on a real TimescaleDB. */
class TimescaleJobsIT {

  @RegisterExtension static ControlPlaneDatabase db = new ControlPlaneDatabase();

  static TimescaleServer tsdb;

  @BeforeAll
  static void start() {
    tsdb = TimescaleServer.start(Path.of("target", "tsdb-jobs"), Duration.ofSeconds(120));
  }

  @AfterAll
  static void stop() {
    tsdb.close();
  }

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T09:00:00Z"));
  private final Caller owner = aPerson("Olga");
  private final Caller editor = aPerson("Edda");
  private final Caller viewer = aPerson("Vic");
  private TenantId team;
  private DatabaseId database;
  private TimescaleTarget target;

  @BeforeEach
  void aTeamWithTheTimescaleDatabase() {
    team = aTeam(db, owner).with(editor, Role.EDITOR).with(viewer, Role.VIEWER).id();
    target = new TimescaleTarget(db, clock);
    database = target.register(owner, team, "Metrics", tsdb);
  }

  @AfterEach
  void closePools() {
    target.close();
  }

  /** Runs SQL on the target through the pool (PGlite serves one connection at a time). */
  private int sql(String statement) {
    try (var c = target.fleet.connections().open(team, database);
        var st = c.createStatement()) {
      // PGlite's built-in default search_path is pg_catalog, and DISCARD ALL returns to it.
      st.execute("set search_path to public");
      if (st.execute(statement)) {
        try (var rs = st.getResultSet()) {
          return rs.next() && rs.getObject(1) instanceof Number n ? n.intValue() : 0;
        }
      }
      return 0;
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private int aNativeJob(String procedure) {
    sql(
        "create or replace procedure public."
            + procedure
            + "(job_id integer, config jsonb) language plpgsql as $$ begin"
            + " raise notice 'ran % with %', job_id, config; end $$");
    sql(
        "create or replace function public."
            + procedure
            + "_check(config jsonb) returns void language plpgsql as $$ begin"
            + " if not config ? 'keep' then raise exception 'keep is missing'; end if; end $$");
    int job =
        sql(
            "select add_job('public."
                + procedure
                + "', '1 day', config => '{\"keep\": 7}',"
                + " initial_start => '2027-01-01 06:00+00', timezone => 'Europe/Berlin',"
                + " check_config => 'public."
                + procedure
                + "_check')");
    sql(
        "select 1 from alter_job("
            + job
            + ", max_runtime => '10 minutes', max_retries => 3, retry_period => '2 minutes',"
            + " timezone => 'Europe/Berlin')");
    return job;
  }

  private long adoptionsSeenBy(Caller who, TenantId tenant) {
    return dev.hourglass.common.Transactions.inTransaction(
        db.dataSource(),
        who.subject(),
        tenant.value(),
        "count adoptions",
        c -> {
          try (var rs =
              c.createStatement().executeQuery("select count(*) from timescale_adoption")) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }

  /** alter_job disappears from the database: TimescaleDB cannot be asked to change a job. */
  private void hideAlterJob() {
    sql(
        "do $$ begin execute format('alter function %s rename to alter_job_hidden',"
            + " (select p.oid::regprocedure from pg_proc p where p.proname = 'alter_job'"
            + " and p.pronamespace = 'public'::regnamespace)); end $$");
  }

  private NativeJob nativeJob(int id) {
    return target.jobs.list(viewer, team, database).jobs().stream()
        .filter(j -> j.jobId() == id)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void the_native_jobs_are_listed_with_their_time_zone_stats_and_policies_read_only() {
    int job = aNativeJob("listed_job");
    sql(
        "create table if not exists listed_metrics (time timestamptz not null, v double precision)");
    sql("select create_hypertable('listed_metrics', 'time', if_not_exists => true)");
    sql("alter table listed_metrics set (timescaledb.compress)");
    sql(
        "select add_compression_policy('listed_metrics', interval '7 days', if_not_exists => true)");

    var listed = target.jobs.list(viewer, team, database);

    assertThat(listed.timescaledbVersion()).hasValueSatisfying(v -> assertThat(v).startsWith("2."));
    var mine = nativeJob(job);
    assertThat(mine.kind()).isEqualTo(NativeJob.Kind.USER_DEFINED);
    assertThat(mine.procedure()).isEqualTo("public.listed_job");
    assertThat(mine.timezone()).contains("Europe/Berlin");
    assertThat(mine.scheduleInterval()).isEqualTo("1 day");
    assertThat(mine.checkConfig()).contains("public.listed_job_check");
    assertThat(mine.stats()).isPresent();
    assertThat(mine.adoptable()).isTrue();
    assertThat(listed.jobs())
        .filteredOn(j -> j.kind() == NativeJob.Kind.COMPRESSION)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.hypertable()).contains("public.listed_metrics");
              assertThat(p.adoptable()).isFalse();
            });
    assertThat(listed.notes()).isEmpty();
  }

  @Test
  void
      adopting_makes_an_action_with_the_same_procedure_config_and_schedule_and_unschedules_the_job() {
    int job = aNativeJob("nightly_native");
    var nativeNext = nativeJob(job).nextStart();
    assertThat(nativeNext).isPresent();

    var action = target.jobs.adopt(editor, team, database, job, true);

    assertThat(action.routine()).isEqualTo(new RoutineName("public", "nightly_native"));
    assertThat(action.config()).isEqualTo(new ActionConfig("{\"keep\": 7}"));
    assertThat(action.checkConfig()).contains(new RoutineName("public", "nightly_native_check"));
    assertThat(action.schedule().recurrence()).isEqualTo(Interval.parse("1 day"));
    assertThat(action.schedule().fixedSchedule()).isTrue();
    assertThat(action.schedule().initialStart()).isEqualTo(Instant.parse("2027-01-01T06:00:00Z"));
    assertThat(action.schedule().timezone()).isEqualTo(ZoneId.of("Europe/Berlin"));
    assertThat(action.schedule().maxRetries().value()).isEqualTo(3);
    assertThat(action.schedule().retryPeriod()).isEqualTo(Interval.ofMinutes(2));
    assertThat(action.maxRuntime()).isEqualTo(Duration.ofMinutes(10));
    assertThat(action.scheduled()).isTrue();
    // The native job's own next start, so it runs in Hourglass when it would have in TimescaleDB.
    assertThat(action.nextStart()).isEqualTo(nativeNext);
    assertThat(action.jobName()).isEqualTo("nightly_native (TimescaleDB job " + job + ")");

    var native_ = nativeJob(job);
    assertThat(native_.scheduled()).isFalse();
    assertThat(native_.adoptedAs()).contains(action.id());
    assertThat(native_.adoptable()).isFalse();
    assertThat(target.actions.runNow(editor, team, action.id()).notices())
        .anySatisfy(n -> assertThat(n.message()).contains("ran " + action.jobId()));
  }

  @Test
  void adopting_without_confirmation_or_as_a_viewer_changes_nothing() {
    int job = aNativeJob("unconfirmed_job");

    assertThatThrownBy(() -> target.jobs.adopt(editor, team, database, job, false))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Confirm");
    assertThatThrownBy(() -> target.jobs.adopt(viewer, team, database, job, true))
        .isInstanceOf(AccessDeniedException.class);

    assertThat(target.actions.list(owner, team, Optional.empty())).isEmpty();
    assertThat(nativeJob(job).scheduled()).isTrue();
  }

  @Test
  void when_unscheduling_the_native_job_fails_the_new_action_is_removed_again() {
    int job = aNativeJob("unlucky_job");
    // alter_job disappears from the database: TimescaleDB cannot be asked to unschedule.
    hideAlterJob();
    try {
      assertThatThrownBy(() -> target.jobs.adopt(editor, team, database, job, true))
          .isInstanceOf(UserFacingException.class)
          .hasMessageContaining("Could not unschedule job " + job)
          .hasMessageContaining("Nothing was adopted");
    } finally {
      sql("alter function public.alter_job_hidden rename to alter_job");
    }
    assertThat(target.actions.list(owner, team, Optional.empty())).isEmpty();
    var native_ = nativeJob(job);
    assertThat(native_.scheduled()).isTrue();
    assertThat(native_.adoptedAs()).isEmpty();
    // The job can be adopted once TimescaleDB answers again.
    assertThat(target.jobs.adopt(editor, team, database, job, true).routine().name())
        .isEqualTo("unlucky_job");
  }

  @Test
  void handing_back_gives_the_native_job_the_action_settings_and_deletes_the_action() {
    int job = aNativeJob("returning_job");
    var action = target.jobs.adopt(editor, team, database, job, true);
    var changed =
        target.actions.alter(
            editor,
            team,
            action.id(),
            new ActionDraft(
                database,
                action.jobName(),
                action.routine(),
                new ActionConfig("{\"keep\": 30}"),
                action.checkConfig(),
                action.schedule(),
                true,
                action.maxRuntime(),
                Optional.of(Instant.parse("2027-02-01T06:00:00Z"))),
            false,
            action.version());

    target.jobs.handBack(editor, team, changed.id(), true);

    var native_ = nativeJob(job);
    assertThat(native_.scheduled()).isTrue();
    assertThat(native_.config().map(ActionConfig::new))
        .contains(new ActionConfig("{\"keep\": 30}"));
    assertThat(native_.nextStart()).contains(Instant.parse("2027-02-01T06:00:00Z"));
    assertThat(native_.timezone()).contains("Europe/Berlin");
    assertThat(native_.adoptedAs()).isEmpty();
    assertThat(target.actions.list(owner, team, Optional.empty())).isEmpty();
  }

  @Test
  void when_timescaledb_refuses_the_hand_back_the_action_keeps_running_in_hourglass() {
    int job = aNativeJob("stubborn_job");
    var action = target.jobs.adopt(editor, team, database, job, true);
    hideAlterJob();
    try {
      assertThatThrownBy(() -> target.jobs.handBack(editor, team, action.id(), true))
          .isInstanceOf(UserFacingException.class)
          .hasMessageContaining("refused to take job " + job + " back")
          .hasMessageContaining("Nothing was changed");
    } finally {
      sql("alter function public.alter_job_hidden rename to alter_job");
    }
    assertThat(target.actions.get(owner, team, action.id()).scheduled()).isTrue();
    var native_ = nativeJob(job);
    assertThat(native_.scheduled()).isFalse();
    assertThat(native_.adoptedAs()).contains(action.id());
  }

  @Test
  void an_action_that_was_not_adopted_cannot_be_handed_back_and_a_policy_cannot_be_adopted() {
    sql("create table if not exists policy_metrics (time timestamptz not null, v int)");
    sql("select create_hypertable('policy_metrics', 'time', if_not_exists => true)");
    int policy =
        sql(
            "select add_retention_policy('policy_metrics', interval '30 days', if_not_exists => true)");
    assertThatThrownBy(() -> target.jobs.adopt(editor, team, database, policy, true))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("read-only");

    int job = aNativeJob("own_job");
    var adopted = target.jobs.adopt(editor, team, database, job, true);
    target.jobs.handBack(editor, team, adopted.id(), true);
    var plain =
        target.actions.add(
            editor,
            team,
            new ActionDraft(
                database,
                "Plain",
                new RoutineName("public", "own_job"),
                new ActionConfig("{\"keep\": 1}"),
                Optional.empty(),
                adopted.schedule(),
                true,
                Duration.ZERO,
                Optional.empty()));
    assertThatThrownBy(() -> target.jobs.handBack(editor, team, plain.id(), true))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not adopted");
    assertThat(target.actions.list(owner, team, Optional.empty()))
        .extracting(Action::jobName)
        .containsExactly("Plain");
  }

  @Test
  void another_team_cannot_list_or_adopt_the_native_jobs_of_a_database_that_is_not_theirs() {
    int job = aNativeJob("private_job");
    var stranger = aPerson("Mallory");
    var otherTeam = aTeam(db, stranger).id();

    assertThatThrownBy(() -> target.jobs.list(stranger, otherTeam, database))
        .isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> target.jobs.adopt(stranger, otherTeam, database, job, true))
        .isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> target.jobs.list(stranger, team, database))
        .isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> target.jobs.adopt(stranger, team, database, job, true))
        .isInstanceOf(AccessDeniedException.class);
    var adopted = target.jobs.adopt(editor, team, database, job, true);
    assertThatThrownBy(() -> target.jobs.handBack(stranger, otherTeam, adopted.id(), true))
        .isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> target.jobs.handBack(stranger, team, adopted.id(), true))
        .isInstanceOf(AccessDeniedException.class);
    // Behind the service checks, row-level security hides the adoption from the other team.
    assertThat(adoptionsSeenBy(stranger, otherTeam)).isZero();
    assertThat(adoptionsSeenBy(editor, team)).isEqualTo(1);
    target.jobs.handBack(editor, team, adopted.id(), true);

    assertThat(nativeJob(job).scheduled()).isTrue();
    assertThat(target.actions.list(owner, team, Optional.empty())).isEmpty();
  }
}
