package dev.hourglass.ui.pgcron;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEvent;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.HasUrlParameter;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.router.Route;
import dev.hourglass.action.RoutineName;
import dev.hourglass.common.UserFacingException;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.database.DatabaseService;
import dev.hourglass.database.RegisteredDatabase;
import dev.hourglass.pgcron.AdoptRequest;
import dev.hourglass.pgcron.Comparison;
import dev.hourglass.pgcron.PgCronEquivalent;
import dev.hourglass.pgcron.PgCronJob;
import dev.hourglass.pgcron.PgCronOverview;
import dev.hourglass.pgcron.PgCronService;
import dev.hourglass.pgcron.RunSummary;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.Permission;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.ui.shell.MainLayout;
import dev.hourglass.ui.shell.Notices;
import dev.hourglass.ui.shell.SignedInPerson;
import dev.hourglass.ui.shell.Times;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * pg_cron side by side with the actions of one database: where pg_cron is, its jobs (adopt), the
 * actions' pg_cron equivalents (export) and the comparison of both over a period, with a timeline.
 */
@Route(value = "pg-cron", layout = MainLayout.class)
@Dependent
class PgCronView extends VerticalLayout implements HasUrlParameter<String>, HasDynamicTitle {
  private static final long serialVersionUID = 1L;

  /** The periods offered, by their URL value. */
  static final Map<String, Duration> PERIODS = new LinkedHashMap<>();

  static {
    PERIODS.put("1h", Duration.ofHours(1));
    PERIODS.put("6h", Duration.ofHours(6));
    PERIODS.put("24h", Duration.ofHours(24));
    PERIODS.put("7d", Duration.ofDays(7));
  }

  private static final Map<String, String> PERIOD_LABELS =
      Map.of("1h", "Last hour", "6h", "Last 6 hours", "24h", "Last 24 hours", "7d", "Last 7 days");

  private final transient PgCronService pgCron;
  private final transient DatabaseService databases;
  private final transient Clock clock = Clock.systemUTC();
  private final Caller caller;
  private final TenantId tenant;
  private final boolean mayEdit;
  private RegisteredDatabase database;
  private String period = "6h";
  private ZoneId zone = ZoneOffset.UTC;

  @Inject
  PgCronView(SignedInPerson person, PgCronService pgCron, DatabaseService databases) {
    this.pgCron = pgCron;
    this.databases = databases;
    this.caller = person.caller();
    var membership = person.currentMembership();
    this.tenant = membership.map(m -> m.tenant().id()).orElse(null);
    this.mayEdit = membership.map(m -> m.role().allows(Permission.EDIT_ACTIONS)).orElse(false);
    setId("pgcron-page");
  }

  @Override
  public void setParameter(BeforeEvent event, String id) {
    if (tenant == null) {
      return;
    }
    var asked = event.getLocation().getQueryParameters().getParameters().get("period");
    if (asked != null && !asked.isEmpty() && PERIODS.containsKey(asked.get(0))) {
      period = asked.get(0);
    }
    try {
      database = databases.get(caller, tenant, DatabaseId.parse(id));
    } catch (UserFacingException e) {
      Notices.error(e.getMessage());
      event.forwardTo("");
      return;
    }
    render();
  }

  @Override
  protected void onAttach(AttachEvent attachEvent) {
    Times.browserZone(
        attachEvent.getUI(),
        z -> {
          // UTC and Etc/UTC draw the same page: redraw only when the clock differs.
          if (!z.getRules().equals(zone.getRules())) {
            zone = z;
            if (database != null) {
              render();
            }
          }
        });
  }

  @Override
  public String getPageTitle() {
    return "pg_cron · " + (database == null ? "Database" : database.name()) + " · Hourglass";
  }

  private void render() {
    removeAll();
    var back = new Anchor("databases/" + database.id(), "Back to " + database.name());
    var title = new H2("pg_cron and " + database.name());
    title.setId("pgcron-title");
    add(back, title);
    var now = clock.instant();
    PgCronOverview overview;
    try {
      overview = pgCron.overview(caller, tenant, database.id(), now.minus(Duration.ofHours(24)));
    } catch (UserFacingException e) {
      add(problem(e.getMessage()));
      return;
    }
    var site = overview.site();
    if (site.problem().isPresent()) {
      add(problem(site.problem().get()));
    } else {
      var facts =
          new Span(
              "pg_cron "
                  + site.version().map(Object::toString).orElse("?")
                  + " in the database "
                  + site.cronDatabaseName().orElse("?")
                  + (site.isCronDatabase() ? " (this one)" : "")
                  + "; it runs schedules in "
                  + site.zone().getId()
                  + ". Jobs shown are those running in "
                  + site.databaseName()
                  + " that the registered user owns.");
      facts.setId("pgcron-site");
      add(facts);
    }
    if (site.usable()) {
      add(new H3("pg_cron jobs of this database"), jobs(overview.jobs()));
    }
    add(new H3("Actions on pg_cron"), equivalents(overview.equivalents(), site.usable()));
    if (site.usable()) {
      add(new H3("Side by side"), comparison(now));
    }
  }

  private static Component problem(String text) {
    var box = new Div(new Span(text));
    box.setId("pgcron-problem");
    box.getStyle()
        .set("border-left", "4px solid var(--lumo-error-color)")
        .set("padding", "var(--lumo-space-s) var(--lumo-space-m)")
        .set("background", "var(--lumo-error-color-10pct)");
    return box;
  }

  // --- jobs
  // ------------------------------------------------------------------------------------------

  private Component jobs(List<PgCronJob> jobs) {
    if (jobs.isEmpty()) {
      var none = new Span("No pg_cron jobs run in this database (among those the user owns).");
      none.setId("pgcron-jobs");
      return none;
    }
    var grid = new Grid<PgCronJob>();
    grid.setId("pgcron-jobs");
    grid.setAllRowsVisible(true);
    grid.addColumn(PgCronJob::jobId).setHeader("Job").setAutoWidth(true).setFlexGrow(0);
    grid.addColumn(PgCronJob::label).setHeader("Name").setAutoWidth(true);
    grid.addColumn(PgCronJob::schedule).setHeader("Schedule").setAutoWidth(true);
    grid.addColumn(j -> Timeline.clip(j.command(), 80)).setHeader("Command").setFlexGrow(2);
    grid.addColumn(j -> j.active() ? "yes" : "no").setHeader("Active").setAutoWidth(true);
    grid.addColumn(j -> j.summary().runs()).setHeader("Runs (24 h)").setAutoWidth(true);
    grid.addColumn(j -> rate(j.summary())).setHeader("Success").setAutoWidth(true);
    grid.addColumn(j -> spread(j.summary().lagMedian(), j.summary().lagMax()))
        .setHeader("Start lag (median / max)")
        .setAutoWidth(true);
    grid.addColumn(j -> spread(j.summary().durationMedian(), j.summary().durationMax()))
        .setHeader("Duration (median / max)")
        .setAutoWidth(true);
    if (mayEdit) {
      grid.addComponentColumn(
              j -> {
                var adopt = new Button("Adopt…", e -> openAdopt(j));
                adopt.setId("pgcron-adopt-" + j.jobId());
                return adopt;
              })
          .setAutoWidth(true);
    }
    grid.setItems(jobs);
    return grid;
  }

  private void openAdopt(PgCronJob job) {
    var dialog = new Dialog();
    dialog.setId("pgcron-adopt-dialog");
    dialog.setHeaderTitle("Adopt pg_cron job " + job.jobId() + " (" + job.label() + ")");
    var name = new TextField("Action name");
    name.setId("pgcron-adopt-name");
    name.setPlaceholder("pg_cron job " + job.jobId() + " (" + job.label() + ")");
    name.setWidthFull();
    var wrapper = new TextField("Procedure to create for the command");
    wrapper.setId("pgcron-adopt-wrapper");
    wrapper.setValue("public.pg_cron_job_" + job.jobId());
    wrapper.setWidthFull();
    var unschedule = new Checkbox("Unschedule the job in pg_cron and schedule the action instead");
    unschedule.setId("pgcron-adopt-unschedule");
    var confirm =
        new Checkbox(
            "I understand that Hourglass cannot bring the pg_cron job back: a new job would get a"
                + " new id and no run history.");
    confirm.setId("pgcron-adopt-confirm");
    confirm.setVisible(false);
    unschedule.addValueChangeListener(e -> confirm.setVisible(e.getValue()));
    var explain =
        new Span(
            "Hourglass creates a procedure running the job's command and an action on the same"
                + " schedule ("
                + job.schedule()
                + "). Without unscheduling, the action is created unscheduled so the command never"
                + " runs twice. If any step fails, the steps done are undone.");
    var command = code(job.command());
    var adopt =
        new Button(
            "Adopt",
            e -> {
              try {
                var request =
                    new AdoptRequest(
                        job.jobId(),
                        name.getValue(),
                        wrapper.getValue().isBlank()
                            ? Optional.empty()
                            : Optional.of(RoutineName.parse(wrapper.getValue())),
                        unschedule.getValue(),
                        confirm.getValue());
                var action = pgCron.adopt(caller, tenant, database.id(), request);
                dialog.close();
                Notices.success(
                    "Adopted as "
                        + action.jobName()
                        + (unschedule.getValue()
                            ? "; the pg_cron job is unscheduled."
                            : "; the action is unscheduled until you resume it."));
                getUI().ifPresent(ui -> ui.navigate("actions/" + action.id()));
              } catch (UserFacingException ex) {
                Notices.error(ex.getMessage());
              }
            });
    adopt.setId("pgcron-adopt-go");
    adopt.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    var cancel = new Button("Cancel", e -> dialog.close());
    dialog.add(new VerticalLayout(explain, command, name, wrapper, unschedule, confirm));
    dialog.getFooter().add(cancel, adopt);
    dialog.setWidth("640px");
    dialog.open();
  }

  // --- equivalents
  // ---------------------------------------------------------------------------------

  private Component equivalents(List<PgCronEquivalent> equivalents, boolean usable) {
    var box = new VerticalLayout();
    box.setPadding(false);
    box.setId("pgcron-equivalents");
    if (equivalents.isEmpty()) {
      box.add(new Span("No actions on this database yet."));
    }
    if (!usable && !equivalents.isEmpty()) {
      box.add(new Span("Written for pg_cron 1.4 in GMT, as pg_cron could not be read here."));
    }
    for (var eq : equivalents) {
      var card = new VerticalLayout();
      card.setWidthFull();
      card.getElement().setAttribute("data-action", eq.actionName());
      card.addClassName("pgcron-equivalent");
      card.getStyle()
          .set("border", "1px solid var(--lumo-contrast-20pct)")
          .set("border-radius", "var(--lumo-border-radius-m)");
      card.add(new Span(eq.actionName()));
      if (eq.expressible()) {
        var schedule = new Span("pg_cron schedule: " + eq.schedule().get());
        schedule.addClassName("pgcron-schedule");
        card.add(schedule, code(eq.statement().get()));
      } else {
        var reason = new Span("Not expressible: " + eq.notExpressible().get());
        reason.addClassName("pgcron-not-expressible");
        reason.getStyle().set("color", "var(--lumo-error-text-color)");
        card.add(reason, code(eq.command()));
      }
      var list = new UnorderedList();
      for (var loss : eq.losses()) {
        var item = new ListItem(loss.topic() + ": " + loss.text());
        if (loss.applies()) {
          item.getStyle().set("font-weight", "600");
        } else {
          item.getStyle().set("color", "var(--lumo-secondary-text-color)");
        }
        list.add(item);
      }
      card.add(new Span("On pg_cron (bold: changes this action):"), list);
      if (eq.exportedAs().isPresent()) {
        card.add(new Span("Already in pg_cron as job " + eq.exportedAs().get() + "."));
      } else if (usable && mayEdit && eq.expressible()) {
        var pause = new Checkbox("Pause the action once pg_cron has it");
        pause.setValue(true);
        var export =
            new Button(
                "Export to pg_cron",
                e -> {
                  try {
                    var result = pgCron.export(caller, tenant, eq.action(), pause.getValue());
                    Notices.success(
                        "pg_cron job "
                            + result.cronJobId()
                            + " created"
                            + (result.actionPaused() ? "; the action is paused." : "."));
                    render();
                  } catch (UserFacingException ex) {
                    Notices.error(ex.getMessage());
                  }
                });
        export.addClassName("pgcron-export");
        card.add(new HorizontalLayout(export, pause));
      }
      box.add(card);
    }
    return box;
  }

  // --- comparison
  // ----------------------------------------------------------------------------------

  private Component comparison(java.time.Instant now) {
    var box = new VerticalLayout();
    box.setPadding(false);
    box.setId("pgcron-compare");
    var choose = new Select<String>();
    choose.setId("pgcron-period");
    choose.setLabel("Period");
    choose.setItems(PERIODS.keySet());
    choose.setItemLabelGenerator(PERIOD_LABELS::get);
    choose.setValue(period);
    choose.addValueChangeListener(
        e -> {
          if (e.isFromClient() && e.getValue() != null) {
            period = e.getValue();
            getUI()
                .ifPresent(
                    ui ->
                        ui.getPage()
                            .getHistory()
                            .replaceState(
                                null,
                                "pg-cron/"
                                    + database.id()
                                    + "?"
                                    + QueryParameters.of("period", period).getQueryString()));
            render();
          }
        });
    box.add(choose);
    Comparison comparison;
    try {
      comparison =
          pgCron.compare(caller, tenant, database.id(), now.minus(PERIODS.get(period)), now);
    } catch (UserFacingException e) {
      box.add(problem(e.getMessage()));
      return box;
    }
    var picture = new Div();
    picture.setId("pgcron-timeline");
    picture.getStyle().set("overflow-x", "auto").set("max-width", "100%");
    // Our own SVG text, every name and message escaped by Timeline.
    picture.getElement().setProperty("innerHTML", Timeline.svg(comparison, zone));
    var grid = new Grid<Comparison.Lane>();
    grid.setId("pgcron-lanes");
    grid.setAllRowsVisible(true);
    grid.addColumn(l -> l.source().label()).setHeader("Runs on").setAutoWidth(true);
    grid.addColumn(Comparison.Lane::name).setHeader("Name").setAutoWidth(true);
    grid.addColumn(Comparison.Lane::schedule).setHeader("Schedule").setAutoWidth(true);
    grid.addColumn(l -> l.summary().runs()).setHeader("Runs").setAutoWidth(true);
    grid.addColumn(l -> rate(l.summary())).setHeader("Success").setAutoWidth(true);
    grid.addColumn(
            l -> spread3(l.summary().lagMedian(), l.summary().lagP95(), l.summary().lagMax()))
        .setHeader("Start lag (median / p95 / max)")
        .setAutoWidth(true);
    grid.addColumn(
            l ->
                spread3(
                    l.summary().durationMedian(),
                    l.summary().durationP95(),
                    l.summary().durationMax()))
        .setHeader("Duration (median / p95 / max)")
        .setAutoWidth(true);
    grid.setItems(comparison.lanes());
    box.add(picture, grid);
    return box;
  }

  /** SQL as written, wrapped rather than widening the page. */
  private static Pre code(String sql) {
    var pre = new Pre(sql);
    pre.getStyle()
        .set("white-space", "pre-wrap")
        .set("overflow-wrap", "anywhere")
        .set("margin", "0");
    pre.setWidthFull();
    return pre;
  }

  static String rate(RunSummary s) {
    return s.successRate().map(r -> String.format(Locale.ENGLISH, "%.0f %%", r * 100)).orElse("–");
  }

  private static String spread(Optional<Duration> median, Optional<Duration> max) {
    return median.isEmpty() ? "–" : Times.took(median.get()) + " / " + Times.took(max.get());
  }

  private static String spread3(
      Optional<Duration> median, Optional<Duration> p95, Optional<Duration> max) {
    return median.isEmpty()
        ? "–"
        : Times.took(median.get()) + " / " + Times.took(p95.get()) + " / " + Times.took(max.get());
  }
}
