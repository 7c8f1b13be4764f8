package dev.hourglass.action.internal;

import dev.hourglass.action.ActionAuthoring;
import dev.hourglass.action.ActionConfig;
import dev.hourglass.action.ActionDraft;
import dev.hourglass.action.ActionService;
import dev.hourglass.action.RoutineName;
import dev.hourglass.common.UserFacingException;
import dev.hourglass.database.DatabaseService;
import dev.hourglass.database.RegisteredDatabase;
import dev.hourglass.platform.DemoData;
import dev.hourglass.platform.Settings;
import dev.hourglass.schedule.ActionSchedule;
import dev.hourglass.schedule.CronSpec;
import dev.hourglass.schedule.Interval;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.TenantId;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Gives the demo databases a few actions, written and scheduled through the same services a person
 * uses: a summary refresh every hour, a partner feed import every 15 minutes that fails now and
 * then (with a check_config), and a metrics roll-up on a cron schedule in Berlin time. Only missing
 * ones are added; an unreachable demo database is skipped.
 */
@ApplicationScoped
public class DemoActions {

  private static final Logger LOG = Logger.getLogger(DemoActions.class.getName());
  static final Caller DEMO =
      new Caller(DemoData.DEMO_SUBJECT, "demo", "Dana Demo", "demo@hourglass.local");

  static final String SALES_SQL =
      """
      CREATE OR REPLACE PROCEDURE public.refresh_sales_summary(job_id integer, config jsonb)
      LANGUAGE plpgsql AS $$
      BEGIN
        CREATE TABLE IF NOT EXISTS sales_summary (refreshed_at timestamptz, by_job integer);
        INSERT INTO sales_summary VALUES (clock_timestamp(), job_id);
        RAISE NOTICE 'sales summary refreshed by job %', job_id;
      END $$;

      CREATE OR REPLACE PROCEDURE public.import_partner_feed(job_id integer, config jsonb)
      LANGUAGE plpgsql AS $$
      BEGIN
        IF random() < coalesce((config->>'failure_rate')::float8, 0.3) THEN
          RAISE EXCEPTION 'partner feed % is not ready yet', config->>'feed'
            USING DETAIL = 'The upstream file was missing at ' || clock_timestamp(),
                  HINT = 'It is retried after retry_period.';
        END IF;
        RAISE NOTICE 'imported feed %', config->>'feed';
      END $$;

      CREATE OR REPLACE FUNCTION public.check_partner_feed(config jsonb) RETURNS void
      LANGUAGE plpgsql AS $$
      BEGIN
        IF config->>'feed' IS NULL THEN
          RAISE EXCEPTION 'config needs "feed", the name of the partner feed';
        END IF;
        IF (config->>'failure_rate')::float8 NOT BETWEEN 0 AND 1 THEN
          RAISE EXCEPTION 'failure_rate must be between 0 and 1';
        END IF;
      END $$;
      """;

  static final String METRICS_SQL =
      """
      CREATE OR REPLACE PROCEDURE public.roll_up_metrics(job_id integer, config jsonb)
      LANGUAGE plpgsql AS $$
      BEGIN
        CREATE TABLE IF NOT EXISTS metric_rollups (rolled_at timestamptz, by_job integer);
        INSERT INTO metric_rollups VALUES (clock_timestamp(), job_id);
        RAISE NOTICE 'metrics rolled up for the last %', coalesce(config->>'window', '30 minutes');
      END $$;
      """;

  private Settings settings;
  private DatabaseService databases;
  private ActionAuthoring authoring;
  private ActionService actions;
  private Clock clock;

  /** For CDI's client proxy only. */
  protected DemoActions() {}

  @Inject
  public DemoActions(
      Settings settings,
      DatabaseService databases,
      ActionAuthoring authoring,
      ActionService actions,
      Clock clock) {
    this.settings = settings;
    this.databases = databases;
    this.authoring = authoring;
    this.actions = actions;
    this.clock = clock;
  }

  void seed(
      @Observes
          @Priority(Interceptor.Priority.APPLICATION + 10)
          @Initialized(ApplicationScoped.class)
          Object ignored) {
    if (settings.demoData() && !settings.demoTargets().isEmpty()) {
      LOG.info(() -> "Demo actions added: " + ensure());
    }
  }

  /** Adds the missing demo actions; returns how many it added. */
  int ensure() {
    var tenant = new TenantId(DemoData.DEMO_TENANT);
    var existing =
        actions.list(DEMO, tenant, Optional.empty()).stream().map(a -> a.jobName()).toList();
    var fleet = databases.list(DEMO, tenant);
    int added = 0;
    var sales = fleet.stream().filter(d -> d.name().equals("Sales")).findFirst();
    var metrics = fleet.stream().filter(d -> d.name().equals("Metrics")).findFirst();
    if (sales.isPresent() && install(tenant, sales.get(), SALES_SQL)) {
      added +=
          add(
              tenant,
              existing,
              draft(
                  sales.get(),
                  "Refresh sales summary",
                  "refresh_sales_summary",
                  "{}",
                  null,
                  ActionSchedule.every(Interval.parse("1 hour")).build(clock.instant())));
      added +=
          add(
              tenant,
              existing,
              draft(
                  sales.get(),
                  "Import partner feed",
                  "import_partner_feed",
                  "{\"feed\": \"acme-daily\", \"failure_rate\": 0.3}",
                  "check_partner_feed",
                  ActionSchedule.every(Interval.parse("15 minutes"))
                      .retryPeriod(Interval.parse("1 minute"))
                      .maxRetries(5)
                      .build(clock.instant())));
    }
    if (metrics.isPresent() && install(tenant, metrics.get(), METRICS_SQL)) {
      added +=
          add(
              tenant,
              existing,
              draft(
                  metrics.get(),
                  "Roll up metrics",
                  "roll_up_metrics",
                  "{\"window\": \"30 minutes\"}",
                  null,
                  ActionSchedule.cron(CronSpec.parse("*/30 * * * *"))
                      .timezone("Europe/Berlin")
                      .build(clock.instant())));
    }
    return added;
  }

  private boolean install(TenantId tenant, RegisteredDatabase database, String sql) {
    try {
      authoring.createRoutine(DEMO, tenant, database.id(), sql);
      return true;
    } catch (UserFacingException e) {
      LOG.log(
          Level.INFO,
          "Demo database {0} skipped: {1}",
          new Object[] {database.name(), e.getMessage()});
      return false;
    }
  }

  private static ActionDraft draft(
      RegisteredDatabase database,
      String name,
      String routine,
      String config,
      String check,
      ActionSchedule schedule) {
    return new ActionDraft(
        database.id(),
        name,
        new RoutineName("public", routine),
        new ActionConfig(config),
        Optional.ofNullable(check).map(c -> new RoutineName("public", c)),
        schedule,
        true,
        Duration.ofMinutes(5),
        Optional.empty());
  }

  private int add(TenantId tenant, java.util.List<String> existing, ActionDraft draft) {
    if (existing.contains(draft.jobName())) {
      return 0;
    }
    try {
      actions.add(DEMO, tenant, draft);
      return 1;
    } catch (UserFacingException e) {
      LOG.log(
          Level.INFO,
          "Demo action {0} skipped: {1}",
          new Object[] {draft.jobName(), e.getMessage()});
      return 0;
    }
  }
}
