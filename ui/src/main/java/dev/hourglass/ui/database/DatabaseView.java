package dev.hourglass.ui.database;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEvent;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.HasUrlParameter;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import dev.hourglass.common.UserFacingException;
import dev.hourglass.database.Capabilities;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.database.DatabaseService;
import dev.hourglass.database.RegisteredDatabase;
import dev.hourglass.dispatch.ActionStats;
import dev.hourglass.dispatch.RunHistory;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.Permission;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.ui.shell.MainLayout;
import dev.hourglass.ui.shell.Notices;
import dev.hourglass.ui.shell.RunBadge;
import dev.hourglass.ui.shell.SignedInPerson;
import dev.hourglass.ui.shell.Times;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** One database: where it is, whether it answers, what it runs, and what can be done to it. */
@Route(value = "databases", layout = MainLayout.class)
@Dependent
class DatabaseView extends VerticalLayout implements HasUrlParameter<String>, HasDynamicTitle {
  private static final long serialVersionUID = 1L;

  private final transient DatabaseService databases;
  private final transient dev.hourglass.action.ActionService actions;
  private final transient RunHistory runs;
  private final Caller caller;
  private final TenantId tenant; // null for a person without a team: the layout sends them on
  private final boolean mayManage;
  private final H2 title = new H2();
  private final FormLayout facts = new FormLayout();
  private RegisteredDatabase shown;
  private ZoneId zone = ZoneOffset.UTC;

  @Inject
  DatabaseView(
      SignedInPerson person,
      DatabaseService databases,
      dev.hourglass.action.ActionService actions,
      RunHistory runs) {
    this.databases = databases;
    this.actions = actions;
    this.runs = runs;
    this.caller = person.caller();
    var membership = person.currentMembership();
    this.tenant = membership.map(m -> m.tenant().id()).orElse(null);
    this.mayManage =
        membership.map(m -> m.role().allows(Permission.MANAGE_DATABASES)).orElse(false);
    title.setId("db-title");
    facts.setId("db-facts");
  }

  @Override
  public void setParameter(BeforeEvent event, String id) {
    if (tenant == null) {
      return;
    }
    try {
      shown = databases.get(caller, tenant, DatabaseId.parse(id));
    } catch (UserFacingException e) {
      Notices.error(e.getMessage());
      event.forwardTo(FleetView.class);
      return;
    }
    render();
  }

  @Override
  protected void onAttach(AttachEvent attachEvent) {
    Times.browserZone(
        attachEvent.getUI(),
        z -> {
          if (!z.equals(zone)) {
            zone = z;
            if (shown != null) {
              render();
            }
          }
        });
  }

  @Override
  public String getPageTitle() {
    return (shown == null ? "Database" : shown.name()) + " · Hourglass";
  }

  private void render() {
    removeAll();
    facts.removeAll();
    var d = shown;
    var now = Clock.systemUTC().instant();
    title.setText(d.name());
    var status =
        new Span(
            Formats.status(d, zone, now)
                + (d.status().kind().name().equals("UNREACHABLE")
                    ? ": " + d.status().message()
                    : ""));
    status.setId("db-status");
    status.getElement().setAttribute("data-status", d.status().kind().name());
    status.getStyle().set("color", Formats.color(d.status().kind())).set("font-weight", "600");
    facts.addFormItem(status, "Status");
    facts.addFormItem(new Span(d.address()), "Address");
    facts.addFormItem(new Span(d.user()), "User");
    facts.addFormItem(new Span(d.sslMode().value() + " – " + d.sslMode().label()), "SSL");
    facts.addFormItem(new Span(d.environment().isEmpty() ? "–" : d.environment()), "Environment");
    var caps = d.capabilities();
    facts.addFormItem(
        new Span(caps.map(c -> "PostgreSQL " + c.serverVersion()).orElse("not known yet")),
        "Server");
    facts.addFormItem(
        new Span(
            caps.flatMap(Capabilities::timescaledbVersion)
                .map(v -> "TimescaleDB " + v)
                .orElse("not installed")),
        "TimescaleDB");
    facts.addFormItem(
        new Span(
            caps.flatMap(Capabilities::pgCronVersion)
                .map(
                    v ->
                        "pg_cron "
                            + v
                            + caps.flatMap(Capabilities::cronDatabaseName)
                                .map(n -> " (cron.database_name = " + n + ")")
                                .orElse(""))
                .orElse("not installed")),
        "pg_cron");
    facts.addFormItem(
        new Span(
            caps.map(c -> c.canCreateProcedures() ? "yes" : "no: the user has CREATE on no schema")
                .orElse("not known yet")),
        "May create procedures");
    facts.addFormItem(
        new Span(d.status().lastCheck().map(t -> Times.ago(t, now)).orElse("never")), "Last check");

    var refresh = new Button("Check now", e -> refresh());
    refresh.setId("db-refresh");
    var edit = new RouterLink("Edit", DatabaseEditView.class, d.id().toString());
    edit.setId("db-edit");
    edit.setVisible(mayManage);
    var remove = new Button("Remove…", e -> confirmRemove());
    remove.setId("db-remove");
    remove.addThemeVariants(ButtonVariant.LUMO_ERROR);
    remove.setVisible(mayManage);
    var back = new RouterLink("All databases", FleetView.class);
    var timescale =
        new com.vaadin.flow.component.html.Anchor(
            "timescale/" + d.id(), "TimescaleDB jobs and templates");
    timescale.setId("db-timescale");
    var pgCron =
        new com.vaadin.flow.component.html.Anchor(
            "pg-cron/" + d.id(), "pg_cron: jobs, equivalents, side by side");
    pgCron.setId("db-pgcron");
    add(
        back,
        title,
        facts,
        new HorizontalLayout(refresh, edit, remove, timescale, pgCron),
        actionsOf(d));
  }

  /** The database's actions, each linking to its page, and a link to add one here. */
  private com.vaadin.flow.component.Component actionsOf(RegisteredDatabase d) {
    var box = new VerticalLayout();
    box.setPadding(false);
    box.setId("db-actions");
    box.add(new com.vaadin.flow.component.html.H3("Actions"));
    var list = actions.list(caller, tenant, java.util.Optional.of(d.id()));
    var stats = runs.stats(caller, tenant, java.util.Optional.of(d.id()));
    if (list.isEmpty()) {
      box.add(new Span("No actions on this database yet."));
    }
    var now = Clock.systemUTC().instant();
    for (var a : list) {
      var link = new com.vaadin.flow.component.html.Anchor("actions/" + a.id(), a.jobName());
      var last =
          java.util.Optional.ofNullable(stats.get(a.id()))
              .flatMap(ActionStats::lastRunStatus)
              .<com.vaadin.flow.component.Component>map(RunBadge::of)
              .orElseGet(() -> new Span("never run"));
      last.getElement().setAttribute("data-last-run-of", a.jobName());
      // Paused and disabled actions have no next start; their status says why.
      var next = a.nextStart().map(t -> "Next start " + Times.moment(t, zone, now)).orElse("");
      var row =
          new HorizontalLayout(
              link,
              new Span(a.status().label()),
              new Span(a.routine().toString()),
              new Span("Last run:"),
              last,
              new Span(next));
      row.setAlignItems(FlexComponent.Alignment.BASELINE);
      box.add(row);
    }
    var add =
        new com.vaadin.flow.component.html.Anchor(
            "actions/edit?database=" + d.id(), "New action on this database");
    add.setId("db-new-action");
    box.add(add);
    return box;
  }

  private void refresh() {
    try {
      shown = databases.refresh(caller, tenant, shown.id());
      render();
    } catch (UserFacingException e) {
      Notices.error(e.getMessage());
    }
  }

  private void confirmRemove() {
    var dialog =
        new ConfirmDialog(
            "Remove " + shown.name() + "?",
            "Hourglass stops checking it and closes its connections. Its actions are archived"
                + " with their run history, which stays readable; nothing is changed in the"
                + " database itself. Its name becomes free for a new registration.",
            "Remove",
            e -> remove(),
            "Cancel",
            e -> {});
    dialog.setConfirmButtonTheme("error primary");
    dialog.setId("db-remove-dialog");
    dialog.open();
  }

  private void remove() {
    try {
      databases.remove(caller, tenant, shown.id());
      Notices.success("Removed " + shown.name() + ".");
      getUI().ifPresent(ui -> ui.navigate(FleetView.class));
    } catch (UserFacingException e) {
      Notices.error(e.getMessage());
    }
  }
}
