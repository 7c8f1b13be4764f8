package dev.hourglass.pgcron.internal;

import dev.hourglass.action.Action;
import dev.hourglass.action.ActionConfig;
import dev.hourglass.action.ActionDraft;
import dev.hourglass.action.ActionId;
import dev.hourglass.action.ActionService;
import dev.hourglass.action.RoutineName;
import dev.hourglass.common.InvalidInputException;
import dev.hourglass.common.UserFacingException;
import dev.hourglass.database.DatabaseConnections;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.database.DatabaseService;
import dev.hourglass.database.RegisteredDatabase;
import dev.hourglass.dispatch.ActionRun;
import dev.hourglass.dispatch.RunFilter;
import dev.hourglass.dispatch.RunHistory;
import dev.hourglass.dispatch.RunPage;
import dev.hourglass.dispatch.RunStatus;
import dev.hourglass.pgcron.AdoptRequest;
import dev.hourglass.pgcron.Comparison;
import dev.hourglass.pgcron.CronRun;
import dev.hourglass.pgcron.ExportResult;
import dev.hourglass.pgcron.PgCronEquivalent;
import dev.hourglass.pgcron.PgCronJob;
import dev.hourglass.pgcron.PgCronOverview;
import dev.hourglass.pgcron.PgCronService;
import dev.hourglass.pgcron.PgCronSite;
import dev.hourglass.pgcron.PgCronVersion;
import dev.hourglass.pgcron.RunSummary;
import dev.hourglass.schedule.ActionSchedule;
import dev.hourglass.schedule.CronSpec;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.Permission;
import dev.hourglass.tenant.TenantAccess;
import dev.hourglass.tenant.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * {@link PgCronService} over JDBC. pg_cron's tables are reached through the team's registration of
 * the cron database; actions through {@link ActionService}; runs through {@link RunHistory}.
 * Adopting and exporting are sequences of steps on different systems (target, cron database,
 * control plane) that cannot share a transaction, so each step has an undo, run in reverse when a
 * later step fails; the step that cannot be undone exactly (unscheduling in pg_cron) comes last.
 */
@ApplicationScoped
public class JdbcPgCronService implements PgCronService {

  /** GMT, as pg_cron before cron.timezone evaluates schedules. */
  static final ZoneId PG_CRON_DEFAULT_ZONE = ZoneId.of("GMT");

  /** At most this many runs per action (the newest of the period) are read for a comparison. */
  static final int ACTION_RUNS = 10_000;

  /**
   * Commands PostgreSQL refuses inside a transaction block or a procedure; pg_cron runs them as
   * top-level statements, an adopted wrapper procedure could not.
   */
  private static final Pattern OUTSIDE_TRANSACTION =
      Pattern.compile(
          "(?is)\\b(vacuum|concurrently|alter\\s+system|(create|drop)\\s+(database|tablespace))\\b");

  private DataSource controlPlane;
  private Clock clock;
  private DatabaseConnections targets;
  private DatabaseService databases;
  private ActionService actions;
  private RunHistory runs;

  /** For CDI's client proxy only. */
  protected JdbcPgCronService() {}

  @Inject
  public JdbcPgCronService(
      DataSource controlPlane,
      Clock clock,
      DatabaseConnections targets,
      DatabaseService databases,
      ActionService actions,
      RunHistory runs) {
    this.controlPlane = controlPlane;
    this.clock = clock;
    this.targets = targets;
    this.databases = databases;
    this.actions = actions;
    this.runs = runs;
  }

  // --- where pg_cron is --------------------------------------------------------------------------

  @Override
  public PgCronSite site(Caller caller, TenantId tenant, DatabaseId database) {
    var registered = databases.get(caller, tenant, database);
    String name;
    String cronDatabaseName;
    boolean hidden = false;
    try (var c = targets.open(tenant, database)) {
      try (var st = c.createStatement();
          var rs =
              st.executeQuery(
                  """
                  select current_database(),
                         (select extversion from pg_extension where extname = 'pg_cron'),
                         (select setting from pg_settings where name = 'cron.database_name')
                  """)) {
        rs.next();
        name = rs.getString(1);
        // pg_cron lets CREATE EXTENSION run only in cron.database_name: where it is, it is that.
        cronDatabaseName = rs.getString(2) != null ? name : rs.getString(3);
      }
      if (cronDatabaseName == null) {
        hidden = cronSettingsHidden(c);
      }
    } catch (SQLException e) {
      return problem(
          database,
          registered.database(),
          "Could not reach "
              + registered.name()
              + " to look for pg_cron ("
              + e.getMessage()
              + "). Check the database's connection on its page.");
    }
    if (cronDatabaseName == null && hidden) {
      // Only superusers and pg_read_all_settings see cron.database_name; look for pg_cron in the
      // team's other registrations of this server instead.
      var found = cronDatabaseAmong(caller, tenant, registered);
      if (found.isEmpty()) {
        return new PgCronSite(
            database,
            name,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            PG_CRON_DEFAULT_ZONE,
            false,
            Optional.of(
                "pg_cron is loaded on this server, but not in '"
                    + name
                    + "', and this user may not read cron.database_name (only superusers and"
                    + " members of pg_read_all_settings may). Register the database pg_cron lives"
                    + " in (usually postgres) on the same host ("
                    + registered.host()
                    + ") and port ("
                    + registered.port()
                    + "), with a user that has USAGE on the schema cron (pg_cron shows each user"
                    + " only the jobs it owns)."));
      }
      cronDatabaseName = found.get().database();
    }
    if (cronDatabaseName == null || cronDatabaseName.isBlank()) {
      return problem(
          database,
          name,
          "pg_cron is not loaded on this server: cron.database_name is not set. pg_cron needs"
              + " shared_preload_libraries = 'pg_cron' and a server restart, then CREATE"
              + " EXTENSION pg_cron in the database named by cron.database_name.");
    }
    final String cronName = cronDatabaseName;
    Optional<DatabaseId> cronRegistration;
    if (name.equals(cronDatabaseName)) {
      cronRegistration = Optional.of(database);
    } else {
      cronRegistration =
          databases.list(caller, tenant).stream()
              .filter(d -> sameServer(d, registered) && d.database().equals(cronName))
              .map(RegisteredDatabase::id)
              .findFirst();
      if (cronRegistration.isEmpty()) {
        return new PgCronSite(
            database,
            name,
            Optional.empty(),
            Optional.of(cronDatabaseName),
            Optional.empty(),
            PG_CRON_DEFAULT_ZONE,
            false,
            Optional.of(
                "pg_cron keeps its jobs in the database '"
                    + cronDatabaseName
                    + "' of this server (cron.database_name), not in '"
                    + name
                    + "'. To see, adopt and export this database's pg_cron jobs, register '"
                    + cronDatabaseName
                    + "' too: same host ("
                    + registered.host()
                    + ") and port ("
                    + registered.port()
                    + "), database "
                    + cronDatabaseName
                    + ", with a user that has USAGE on the schema cron (pg_cron shows each user"
                    + " only the jobs it owns)."));
      }
    }
    try (var c = targets.open(tenant, cronRegistration.get());
        var st = c.createStatement();
        var rs =
            st.executeQuery(
                """
                select (select extversion from pg_extension where extname = 'pg_cron'),
                       (select setting from pg_settings where name = 'cron.timezone'),
                       has_schema_privilege('cron', 'USAGE')
                """)) {
      rs.next();
      var version = rs.getString(1);
      if (version == null) {
        return problem(
            database,
            name,
            "pg_cron is loaded, but CREATE EXTENSION pg_cron has not run in '"
                + cronDatabaseName
                + "'. Run it there as a superuser.");
      }
      if (!rs.getBoolean(3)) {
        return problem(
            database,
            name,
            "The user of the registered cron database may not use the schema cron. Ask an"
                + " administrator to run GRANT USAGE ON SCHEMA cron TO that user, in '"
                + cronDatabaseName
                + "'.");
      }
      var zone = zone(rs.getString(2));
      boolean mayScheduleElsewhere = mayCall(c, "schedule_in_database");
      return new PgCronSite(
          database,
          name,
          cronRegistration,
          Optional.of(cronDatabaseName),
          Optional.of(PgCronVersion.parse(version)),
          zone,
          mayScheduleElsewhere,
          Optional.empty());
    } catch (SQLException e) {
      return problem(
          database,
          name,
          "Could not read pg_cron's settings in '"
              + cronDatabaseName
              + "' ("
              + e.getMessage()
              + ").");
    }
  }

  /**
   * Whether pg_cron's settings exist but are hidden from this user: {@code current_setting} fails
   * with "must be superuser" for a loaded pg_cron, and gives null when it is not loaded.
   */
  private static boolean cronSettingsHidden(Connection c) throws SQLException {
    try (var st = c.createStatement();
        var rs = st.executeQuery("select current_setting('cron.database_name', true)")) {
      return rs.next() && false;
    } catch (SQLException e) {
      if ("42501".equals(e.getSQLState())) {
        return true;
      }
      throw e;
    }
  }

  /** The team's registration of the same server whose database has the pg_cron extension. */
  private Optional<RegisteredDatabase> cronDatabaseAmong(
      Caller caller, TenantId tenant, RegisteredDatabase registered) {
    for (var d : databases.list(caller, tenant)) {
      if (d.id().equals(registered.id()) || !sameServer(d, registered)) {
        continue;
      }
      try (var c = targets.open(tenant, d.id());
          var st = c.createStatement();
          var rs = st.executeQuery("select 1 from pg_extension where extname = 'pg_cron'")) {
        if (rs.next()) {
          return Optional.of(d);
        }
      } catch (SQLException | UserFacingException unreachable) {
        // Not this one: an unreachable registration cannot be where the jobs are read.
      }
    }
    return Optional.empty();
  }

  private static boolean sameServer(RegisteredDatabase a, RegisteredDatabase b) {
    return a.host().equalsIgnoreCase(b.host()) && a.port() == b.port();
  }

  private static PgCronSite problem(DatabaseId database, String name, String problem) {
    return new PgCronSite(
        database,
        name,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        PG_CRON_DEFAULT_ZONE,
        false,
        Optional.of(problem));
  }

  /** cron.timezone (pg_cron 1.6+) as a zone; GMT when absent or not a zone Java knows. */
  static ZoneId zone(String setting) {
    if (setting == null || setting.isBlank()) {
      return PG_CRON_DEFAULT_ZONE;
    }
    try {
      return ZoneId.of(setting.strip());
    } catch (java.time.DateTimeException e) {
      return PG_CRON_DEFAULT_ZONE;
    }
  }

  private static boolean mayCall(Connection c, String function) throws SQLException {
    try (var ps =
        c.prepareStatement(
            "select coalesce(bool_or(has_function_privilege(p.oid, 'EXECUTE')), false)"
                + " from pg_proc p where p.pronamespace = 'cron'::regnamespace and p.proname = ?")) {
      ps.setString(1, function);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  // --- reading
  // --------------------------------------------------------------------------------------

  @Override
  public PgCronOverview overview(
      Caller caller, TenantId tenant, DatabaseId database, Instant since) {
    var site = site(caller, tenant, database);
    var actionList = actions.list(caller, tenant, Optional.of(database));
    if (!site.usable()) {
      var fallback = PgCronVersion.parse("1.4");
      return new PgCronOverview(
          site,
          List.of(),
          actionList.stream()
              .map(
                  a ->
                      CronTranslation.translate(
                          a,
                          fallback,
                          PG_CRON_DEFAULT_ZONE,
                          site.databaseName(),
                          false,
                          Optional.empty()))
              .toList());
    }
    return onCron(
        tenant,
        site,
        "read pg_cron's jobs",
        c -> {
          var rows = CronCatalog.jobs(c, site.databaseName());
          var recent =
              CronCatalog.runs(c, rows, since, clock.instant().plusSeconds(1), site.zone());
          var jobs = new ArrayList<PgCronJob>();
          for (var row : rows) {
            var jobRuns = recent.get(row.jobId());
            jobs.add(
                new PgCronJob(
                    row.jobId(),
                    row.name(),
                    row.schedule(),
                    row.command(),
                    row.database(),
                    row.username(),
                    row.active(),
                    RunSummary.of(jobRuns),
                    jobRuns));
          }
          var equivalents = new ArrayList<PgCronEquivalent>();
          for (var a : actionList) {
            equivalents.add(translate(c, site, a));
          }
          return new PgCronOverview(site, jobs, equivalents);
        });
  }

  private static PgCronEquivalent translate(Connection cron, PgCronSite site, Action action)
      throws SQLException {
    var exported =
        CronCatalog.jobNamed(cron, CronTranslation.jobName(action.jobId()))
            .map(CronCatalog.JobRow::jobId);
    return CronTranslation.translate(
        action,
        site.version().orElseThrow(),
        site.zone(),
        site.databaseName(),
        site.isCronDatabase(),
        exported);
  }

  @Override
  public PgCronEquivalent equivalent(Caller caller, TenantId tenant, ActionId id) {
    var action = actions.get(caller, tenant, id);
    var site = site(caller, tenant, action.database());
    if (!site.usable()) {
      return CronTranslation.translate(
          action,
          PgCronVersion.parse("1.4"),
          PG_CRON_DEFAULT_ZONE,
          site.databaseName(),
          false,
          Optional.empty());
    }
    return onCron(tenant, site, "read pg_cron's jobs", c -> translate(c, site, action));
  }

  @Override
  public Comparison compare(
      Caller caller, TenantId tenant, DatabaseId database, Instant from, Instant to) {
    if (from == null || to == null || !from.isBefore(to)) {
      throw new InvalidInputException("period", "Choose a period whose start is before its end.");
    }
    if (Duration.between(from, to).compareTo(Duration.ofDays(31)) > 0) {
      throw new InvalidInputException("period", "Choose a period of at most 31 days.");
    }
    var site = requireUsable(caller, tenant, database);
    var lanes = new ArrayList<Comparison.Lane>();
    onCron(
        tenant,
        site,
        "read pg_cron's runs",
        c -> {
          var rows = CronCatalog.jobs(c, site.databaseName());
          var found = CronCatalog.runs(c, rows, from, to, site.zone());
          for (var row : rows) {
            var jobRuns = found.get(row.jobId());
            lanes.add(
                new Comparison.Lane(
                    Comparison.Source.PG_CRON,
                    Long.toString(row.jobId()),
                    row.name().filter(n -> !n.isBlank()).orElse("job " + row.jobId()),
                    row.schedule() + " (" + site.zone().getId() + ")",
                    RunSummary.of(jobRuns),
                    jobRuns));
          }
          return null;
        });
    for (var a : actions.list(caller, tenant, Optional.of(database))) {
      var actionRuns =
          periodRuns(caller, tenant, a, from, to).stream()
              .filter(r -> r.startedAt().isPresent() || r.status() != RunStatus.CLAIMED)
              .map(JdbcPgCronService::cronRun)
              .sorted(Comparator.comparing(CronRun::start))
              .toList();
      lanes.add(
          new Comparison.Lane(
              Comparison.Source.HOURGLASS,
              a.id().toString(),
              a.jobName(),
              describe(a.schedule()),
              RunSummary.of(actionRuns),
              actionRuns));
    }
    return new Comparison(site, from, to, lanes);
  }

  /** The action's runs due in the period, newest first, at most {@link #ACTION_RUNS}. */
  private List<ActionRun> periodRuns(
      Caller caller, TenantId tenant, Action action, Instant from, Instant to) {
    var filter = RunFilter.all().ofAction(action.id()).between(Optional.of(from), Optional.of(to));
    var found = new ArrayList<ActionRun>();
    Optional<RunPage.Cursor> after = Optional.empty();
    do {
      var page = runs.search(caller, tenant, filter, after, 500);
      found.addAll(page.runs());
      after = page.next();
    } while (after.isPresent() && found.size() < ACTION_RUNS);
    return found.size() > ACTION_RUNS ? found.subList(0, ACTION_RUNS) : found;
  }

  private static CronRun cronRun(ActionRun r) {
    var outcome =
        switch (r.status()) {
          case SUCCEEDED -> CronRun.Outcome.SUCCEEDED;
          case CLAIMED -> CronRun.Outcome.RUNNING;
          default -> CronRun.Outcome.FAILED;
        };
    return new CronRun(
        Optional.of(r.scheduledFor()),
        r.startedAt().orElse(r.scheduledFor()),
        outcome == CronRun.Outcome.RUNNING ? Optional.empty() : r.finishedAt(),
        outcome,
        r.message().orElse(""));
  }

  private static String describe(ActionSchedule s) {
    var zone = s.timezoneIfAny().map(ZoneId::getId).orElse("UTC");
    if (s.recurrence() instanceof CronSpec cron) {
      return cron.expression() + " (" + zone + ")";
    }
    return "every "
        + s.recurrence()
        + (s.fixedSchedule() ? "" : " after each run")
        + " ("
        + zone
        + ")";
  }

  // --- adopt
  // ---------------------------------------------------------------------------------------

  @Override
  public Action adopt(Caller caller, TenantId tenant, DatabaseId database, AdoptRequest request) {
    TenantAccess.require(controlPlane, caller, tenant, Permission.EDIT_ACTIONS);
    var site = requireUsable(caller, tenant, database);
    var job =
        onCron(tenant, site, "read the pg_cron job", c -> CronCatalog.job(c, request.cronJobId()))
            .orElseThrow(
                () ->
                    new InvalidInputException(
                        "job",
                        "There is no pg_cron job "
                            + request.cronJobId()
                            + " that the cron database's user can see. It may have been"
                            + " unscheduled, or belong to another user."));
    if (!job.database().equals(site.databaseName())) {
      throw new InvalidInputException(
          "job",
          "pg_cron job "
              + job.jobId()
              + " runs in the database '"
              + job.database()
              + "', not in '"
              + site.databaseName()
              + "'. Adopt it from the page of the registered database '"
              + job.database()
              + "'.");
    }
    var spec = CronCatalog.spec(job.schedule());
    if (spec.isEmpty()) {
      throw new InvalidInputException(
          "schedule",
          "pg_cron job "
              + job.jobId()
              + " runs on '"
              + job.schedule()
              + "', which is not a five-field cron expression (seconds schedules and @reboot have"
              + " no action equivalent). Nothing was changed.");
    }
    if (OUTSIDE_TRANSACTION.matcher(job.command()).find()) {
      throw new InvalidInputException(
          "job",
          "pg_cron job "
              + job.jobId()
              + " runs a command PostgreSQL refuses inside a procedure (VACUUM, CONCURRENTLY,"
              + " ALTER SYSTEM, CREATE/DROP DATABASE or TABLESPACE), so it cannot be wrapped as an"
              + " action. Keep it in pg_cron. Nothing was changed.");
    }
    var wrapper = request.wrapper().orElse(new RoutineName("public", "pg_cron_job_" + job.jobId()));
    var name =
        request.actionName().isEmpty()
            ? truncate(
                "pg_cron job "
                    + job.jobId()
                    + job.name().filter(n -> !n.isBlank()).map(n -> " (" + n + ")").orElse(""))
            : request.actionName();
    var zone = sameAsUtc(site.zone()) ? null : site.zone();
    var schedule = ActionSchedule.cron(spec.get()).timezone(zone).build(clock.instant());

    // Step 1: the wrapper procedure in the target. A name clash fails here, before anything else.
    createWrapper(tenant, database, wrapper, job);
    var undo = new ArrayList<Runnable>();
    undo.add(() -> dropWrapper(tenant, database, wrapper));
    try {
      // Step 2: the action, unscheduled until the end so it cannot run alongside the job.
      var draft =
          new ActionDraft(
              database,
              name,
              wrapper,
              ActionConfig.none(),
              Optional.empty(),
              schedule,
              false,
              Duration.ZERO,
              Optional.empty());
      var added = actions.add(caller, tenant, draft);
      undo.add(() -> actions.delete(caller, tenant, added.id()));
      boolean activate = request.unscheduleInPgCron() && job.active();
      if (activate) {
        // Step 3: scheduled in Hourglass.
        actions.resume(caller, tenant, added.id());
      }
      if (request.unscheduleInPgCron()) {
        // Step 4, last because pg_cron cannot take it back: a new job would get a new id.
        onCron(
            tenant,
            site,
            "unschedule the pg_cron job",
            c -> {
              try (var ps = c.prepareStatement("select cron.unschedule(?)")) {
                ps.setLong(1, job.jobId());
                ps.execute();
              }
              return null;
            });
      }
      // Read back: pause and resume answer the action as it was before the change.
      return actions.get(caller, tenant, added.id());
    } catch (RuntimeException e) {
      throw undone(e, undo, "adopt pg_cron job " + job.jobId());
    }
  }

  private static boolean sameAsUtc(ZoneId zone) {
    return CronTranslation.sameWallClock(zone, ZoneOffset.UTC);
  }

  private static String truncate(String name) {
    return name.length() <= 128 ? name : name.substring(0, 127) + "…";
  }

  private void createWrapper(
      TenantId tenant, DatabaseId database, RoutineName wrapper, CronCatalog.JobRow job) {
    var tag = "$hourglass$";
    for (int i = 1; job.command().contains(tag); i++) {
      tag = "$hourglass" + i + "$";
    }
    var create =
        "create procedure "
            + wrapper.sql()
            + "(job_id integer, config jsonb) language sql as "
            + tag
            + "\n"
            + job.command()
            + "\n"
            + tag;
    var comment =
        "comment on procedure "
            + wrapper.sql()
            + "(integer, jsonb) is "
            + CronTranslation.literal(
                "Adopted by Hourglass from pg_cron job "
                    + job.jobId()
                    + job.name().map(n -> " (" + n + ")").orElse("")
                    + "; ignores job_id and config.");
    onTarget(
        tenant,
        database,
        "create the procedure " + wrapper,
        c -> {
          c.setAutoCommit(false);
          try (var st = c.createStatement()) {
            st.execute(create);
            st.execute(comment);
            c.commit();
          } catch (SQLException e) {
            c.rollback();
            throw new UserFacingException(
                "Could not create the procedure "
                    + wrapper
                    + " for pg_cron job "
                    + job.jobId()
                    + ": "
                    + e.getMessage()
                    + ". Nothing was changed; choose another procedure name if it is taken.");
          } finally {
            c.setAutoCommit(true);
          }
          return null;
        });
  }

  private void dropWrapper(TenantId tenant, DatabaseId database, RoutineName wrapper) {
    onTarget(
        tenant,
        database,
        "drop the procedure " + wrapper,
        c -> {
          try (var st = c.createStatement()) {
            st.execute("drop procedure if exists " + wrapper.sql() + "(integer, jsonb)");
          }
          return null;
        });
  }

  /**
   * Runs the undo steps newest first and returns the exception to throw: the original message, and
   * what was undone or, when an undo failed too, what is left to remove by hand.
   */
  private static UserFacingException undone(
      RuntimeException failure, List<Runnable> undo, String what) {
    var left = new ArrayList<String>();
    for (int i = undo.size() - 1; i >= 0; i--) {
      try {
        undo.get(i).run();
      } catch (RuntimeException e) {
        left.add(e.getMessage());
      }
    }
    var reason =
        failure instanceof UserFacingException
            ? failure.getMessage()
            : "an unexpected error (" + failure.getMessage() + ")";
    var message =
        "Could not "
            + what
            + ": "
            + reason
            + (left.isEmpty()
                ? " Nothing was changed: the steps already done were undone."
                : " Undoing the steps already done failed too: "
                    + String.join("; ", left)
                    + ". Remove what is left by hand.");
    return failure instanceof InvalidInputException invalid
        ? new InvalidInputException(invalid.field(), message)
        : new UserFacingException(message);
  }

  // --- export
  // --------------------------------------------------------------------------------------

  @Override
  public ExportResult export(Caller caller, TenantId tenant, ActionId id, boolean pauseAction) {
    TenantAccess.require(controlPlane, caller, tenant, Permission.EDIT_ACTIONS);
    var action = actions.get(caller, tenant, id);
    var site = requireUsable(caller, tenant, action.database());
    if (!site.isCronDatabase() && !site.mayScheduleInOtherDatabases()) {
      throw new UserFacingException(
          "The user of the registered cron database may not call cron.schedule_in_database,"
              + " which pg_cron "
              + site.version().orElseThrow()
              + " grants to superusers only. Ask an administrator to run, in '"
              + site.cronDatabaseName().orElseThrow()
              + "': GRANT EXECUTE ON FUNCTION cron.schedule_in_database(text, text, text, text,"
              + " text, boolean) TO that user. Nothing was exported.");
    }
    var equivalent = onCron(tenant, site, "read pg_cron's jobs", c -> translate(c, site, action));
    if (equivalent.exportedAs().isPresent()) {
      throw new InvalidInputException(
          "job",
          "The action is already in pg_cron as job "
              + equivalent.exportedAs().get()
              + " ("
              + equivalent.jobName()
              + "). Unschedule that job first to export it again. Nothing was exported.");
    }
    if (!equivalent.expressible()) {
      throw new InvalidInputException(
          "schedule", equivalent.notExpressible().get() + " Nothing was exported.");
    }
    var statement = equivalent.statement().orElseThrow();
    // Step 1: the pg_cron job; pg_cron checks the schedule and answers the new job id.
    long jobId =
        onCron(
            tenant,
            site,
            "create the pg_cron job",
            c -> {
              try (var st = c.createStatement();
                  var rs = st.executeQuery(statement)) {
                rs.next();
                return rs.getLong(1);
              } catch (SQLException e) {
                throw new UserFacingException(
                    "pg_cron refused the job: " + e.getMessage() + ". Nothing was exported.");
              }
            });
    if (pauseAction) {
      try {
        // Step 2: the action paused, so the two never both run.
        actions.pause(caller, tenant, id);
      } catch (RuntimeException e) {
        throw undone(
            e,
            List.of(() -> unschedule(tenant, site, jobId)),
            "pause the action after creating pg_cron job " + jobId);
      }
    }
    return new ExportResult(jobId, statement, pauseAction);
  }

  private void unschedule(TenantId tenant, PgCronSite site, long jobId) {
    onCron(
        tenant,
        site,
        "unschedule pg_cron job " + jobId,
        c -> {
          try (var ps = c.prepareStatement("select cron.unschedule(?)")) {
            ps.setLong(1, jobId);
            ps.execute();
          }
          return null;
        });
  }

  // --- plumbing
  // ------------------------------------------------------------------------------------

  private PgCronSite requireUsable(Caller caller, TenantId tenant, DatabaseId database) {
    var site = site(caller, tenant, database);
    if (!site.usable()) {
      throw new UserFacingException(site.problem().orElse("pg_cron cannot be used here."));
    }
    return site;
  }

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T onCron(TenantId tenant, PgCronSite site, String what, Work<T> work) {
    return onTarget(tenant, site.cronDatabase().orElseThrow(), what, work);
  }

  private <T> T onTarget(TenantId tenant, DatabaseId database, String what, Work<T> work) {
    try (var c = targets.open(tenant, database)) {
      try {
        return work.run(c);
      } finally {
        try {
          if (!c.getAutoCommit()) {
            c.rollback();
            c.setAutoCommit(true);
          }
        } catch (SQLException ignored) {
          // A broken connection is replaced by the pool.
        }
      }
    } catch (SQLException e) {
      throw new UserFacingException(
          "Could not " + what + ": the database answered " + e.getMessage() + ".");
    }
  }
}
