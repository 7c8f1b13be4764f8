package dev.hourglass.ui.timescale;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEvent;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.HasUrlParameter;
import com.vaadin.flow.router.Route;
import dev.hourglass.common.InvalidInputException;
import dev.hourglass.common.UserFacingException;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.database.DatabaseService;
import dev.hourglass.database.RegisteredDatabase;
import dev.hourglass.schedule.Interval;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.Permission;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.timescale.NativeJob;
import dev.hourglass.timescale.TemplateInstall;
import dev.hourglass.timescale.TemplateOffer;
import dev.hourglass.timescale.Templates;
import dev.hourglass.timescale.TimescaleJobs;
import dev.hourglass.ui.shell.MainLayout;
import dev.hourglass.ui.shell.Notices;
import dev.hourglass.ui.shell.SignedInPerson;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;

/** A database's TimescaleDB jobs side by side with Hourglass, and the templates to start from. */
@Route(value = "timescale", layout = MainLayout.class)
@Dependent
class TimescaleView extends VerticalLayout implements HasUrlParameter<String>, HasDynamicTitle {
  private static final long serialVersionUID = 1L;

  private final transient DatabaseService databases;
  private final transient TimescaleJobs jobs;
  private final transient Templates templates;
  private final Caller caller;
  private final TenantId tenant;
  private final boolean mayEdit;
  private RegisteredDatabase shown;

  @Inject
  TimescaleView(
      SignedInPerson person, DatabaseService databases, TimescaleJobs jobs, Templates templates) {
    this.databases = databases;
    this.jobs = jobs;
    this.templates = templates;
    this.caller = person.caller();
    var membership = person.currentMembership();
    this.tenant = membership.map(m -> m.tenant().id()).orElse(null);
    this.mayEdit = membership.map(m -> m.role().allows(Permission.EDIT_ACTIONS)).orElse(false);
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
      return;
    }
    render();
  }

  @Override
  public String getPageTitle() {
    return "TimescaleDB" + (shown == null ? "" : " · " + shown.name()) + " · Hourglass";
  }

  private void render() {
    removeAll();
    var title = new H2("TimescaleDB on " + shown.name());
    title.setId("ts-title");
    add(new Anchor("databases/" + shown.id(), "Back to " + shown.name()), title);
    add(nativeJobs(), templateList());
  }

  private Component nativeJobs() {
    var box = new VerticalLayout();
    box.setPadding(false);
    box.setId("ts-native-jobs");
    box.add(new H3("Native jobs"));
    try {
      var listed = jobs.list(caller, tenant, shown.id());
      listed.notes().forEach(n -> box.add(new Paragraph(n)));
      if (listed.jobs().isEmpty()) {
        if (listed.timescaledbVersion().isPresent()) {
          box.add(new Span("No jobs in TimescaleDB's scheduler."));
        }
        return box;
      }
      var grid = new Grid<NativeJob>();
      grid.setId("ts-jobs-grid");
      grid.addColumn(NativeJob::jobId).setHeader("Job").setAutoWidth(true);
      grid.addColumn(NativeJob::name).setHeader("Name").setAutoWidth(true);
      grid.addColumn(j -> j.kind().label()).setHeader("Kind").setAutoWidth(true);
      grid.addColumn(NativeJob::procedure).setHeader("Procedure").setAutoWidth(true);
      grid.addColumn(
              j ->
                  "every "
                      + j.scheduleInterval()
                      + (j.fixedSchedule() ? " (fixed)" : " (drifting)")
                      + j.timezone().map(z -> " in " + z).orElse(""))
          .setHeader("Schedule")
          .setAutoWidth(true);
      grid.addColumn(
              j ->
                  !j.scheduled()
                      ? "unscheduled"
                      : j.paused() ? "paused" : j.nextStart().map(Object::toString).orElse("–"))
          .setHeader("Next start")
          .setAutoWidth(true);
      grid.addColumn(
              j ->
                  j.stats()
                      .map(
                          s ->
                              s.lastRunStatus().orElse("never run")
                                  + " · "
                                  + s.totalRuns()
                                  + " runs, "
                                  + s.totalFailures()
                                  + " failed")
                      .orElse("–"))
          .setHeader("Stats")
          .setAutoWidth(true);
      grid.addComponentColumn(this::jobActions).setHeader("").setAutoWidth(true);
      grid.setItems(listed.jobs());
      grid.setAllRowsVisible(true);
      box.add(grid);
      if (!listed.runs().isEmpty()) {
        box.add(new H3("Latest runs recorded by TimescaleDB"));
        var runs = new Grid<dev.hourglass.timescale.NativeJobRun>();
        runs.addColumn(dev.hourglass.timescale.NativeJobRun::jobId).setHeader("Job");
        runs.addColumn(r -> r.startTime().map(Object::toString).orElse("–")).setHeader("Start");
        runs.addColumn(r -> r.succeeded() ? "succeeded" : "failed").setHeader("Result");
        runs.addColumn(r -> r.sqlState().orElse("") + " " + r.message().orElse(""))
            .setHeader("Error");
        runs.setItems(listed.runs());
        runs.setAllRowsVisible(true);
        box.add(runs);
      }
    } catch (UserFacingException e) {
      box.add(new Paragraph(e.getMessage()));
    }
    return box;
  }

  private Component jobActions(NativeJob job) {
    if (job.adoptedAs().isPresent()) {
      var link = new Anchor("actions/" + job.adoptedAs().get(), "Adopted: open action");
      var back = new Button("Hand back…", e -> confirmHandBack(job));
      back.getElement().setAttribute("data-hand-back", Integer.toString(job.jobId()));
      back.setVisible(mayEdit);
      return new HorizontalLayout(link, back);
    }
    if (job.kind() != NativeJob.Kind.USER_DEFINED) {
      return new Span("read-only");
    }
    var adopt = new Button("Adopt…", e -> confirmAdopt(job));
    adopt.getElement().setAttribute("data-adopt", Integer.toString(job.jobId()));
    adopt.setVisible(mayEdit);
    return adopt;
  }

  private void confirmAdopt(NativeJob job) {
    confirm(
        "Adopt job " + job.jobId() + "?",
        "Hourglass creates an action with the same procedure ("
            + job.procedure()
            + "), config, check_config and schedule, then unschedules the job in TimescaleDB with"
            + " alter_job("
            + job.jobId()
            + ", scheduled => false). If either step fails, neither stays.",
        "Adopt and unschedule",
        () -> {
          var action = jobs.adopt(caller, tenant, shown.id(), job.jobId(), true);
          Notices.success("Adopted as action '" + action.jobName() + "'.");
        });
  }

  private void confirmHandBack(NativeJob job) {
    confirm(
        "Hand job " + job.jobId() + " back to TimescaleDB?",
        "The job gets the action's config and schedule and is scheduled again from the action's"
            + " next start; the action is then deleted (its run history is kept).",
        "Hand back",
        () -> {
          jobs.handBack(caller, tenant, job.adoptedAs().get(), true);
          Notices.success("Job " + job.jobId() + " runs in TimescaleDB again.");
        });
  }

  /**
   * Asks first; runs {@code command} on confirmation, shows a refusal, and shows the jobs again.
   */
  private void confirm(String header, String text, String confirmText, Runnable command) {
    var dialog = new ConfirmDialog();
    dialog.setHeader(header);
    dialog.setText(text);
    dialog.setCancelable(true);
    var ok = new Button(confirmText);
    ok.setId("ts-confirm");
    ok.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    ok.addClickListener(
        e -> {
          dialog.close();
          try {
            command.run();
          } catch (UserFacingException ex) {
            Notices.error(ex.getMessage());
          }
          render();
        });
    dialog.setConfirmButton(ok);
    dialog.open();
  }

  private Component templateList() {
    var box = new VerticalLayout();
    box.setPadding(false);
    box.setId("ts-templates");
    box.add(new H3("Templates"));
    try {
      for (var offer : templates.offers(caller, tenant, shown.id())) {
        var row = new VerticalLayout();
        row.setPadding(false);
        row.setSpacing(false);
        row.getElement().setAttribute("data-template", offer.template().name());
        var name = new Span(offer.template().title());
        name.getStyle().set("font-weight", "600");
        row.add(name, new Span(offer.template().description()));
        if (offer.available()) {
          var use = new Button("Use this template…", e -> openForm(offer));
          use.getElement().setAttribute("data-use-template", offer.template().name());
          use.setEnabled(mayEdit);
          row.add(use);
        } else {
          var missing = new Span("Not available here: " + offer.missing().get());
          missing.getElement().setAttribute("data-missing", offer.template().name());
          missing.getStyle().set("color", "var(--lumo-error-text-color)");
          row.add(missing);
        }
        box.add(row);
      }
    } catch (UserFacingException e) {
      box.add(new Paragraph(e.getMessage()));
    }
    return box;
  }

  private void openForm(TemplateOffer offer) {
    var template = offer.template();
    var dialog = new Dialog();
    dialog.setHeaderTitle(template.title());
    var form = new FormLayout();
    var jobName = new TextField("Action name");
    jobName.setValue(template.title());
    jobName.setId("tpl-job_name");
    var schema = new TextField("Schema for the procedure");
    schema.setValue("public");
    schema.setId("tpl-schema");
    var every = new TextField("Run every");
    every.setValue(template.defaultInterval());
    every.setId("tpl-schedule_interval");
    form.add(jobName, schema, every);
    Map<String, TextField> fields = new LinkedHashMap<>();
    for (var field : template.fields()) {
      var input = new TextField(field.label() + (field.required() ? " *" : ""));
      input.setValue(field.defaultValue());
      input.setHelperText(field.help());
      input.setId("tpl-" + field.key());
      fields.put(field.key(), input);
      form.add(input);
    }
    var install =
        new Button(
            "Install and add action",
            e -> {
              fields.values().forEach(f -> f.setInvalid(false));
              every.setInvalid(false);
              schema.setInvalid(false);
              try {
                var values = new LinkedHashMap<String, String>();
                fields.forEach((k, f) -> values.put(k, f.getValue()));
                var action =
                    templates.install(
                        caller,
                        tenant,
                        shown.id(),
                        new TemplateInstall(
                            template,
                            schema.getValue(),
                            jobName.getValue(),
                            Interval.parse("schedule_interval", every.getValue()),
                            values));
                dialog.close();
                Notices.success("Installed; the action '" + action.jobName() + "' is added.");
                getUI().ifPresent(ui -> ui.getPage().setLocation("actions/" + action.id()));
              } catch (InvalidInputException ex) {
                var field =
                    switch (ex.field()) {
                      case "schedule_interval" -> every;
                      case "schema" -> schema;
                      default -> fields.get(ex.field());
                    };
                if (field != null) {
                  field.setErrorMessage(ex.getMessage());
                  field.setInvalid(true);
                } else {
                  Notices.error(ex.getMessage());
                }
              } catch (UserFacingException ex) {
                Notices.error(ex.getMessage());
              }
            });
    install.setId("tpl-install");
    install.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    var cancel = new Button("Cancel", e -> dialog.close());
    dialog.add(form);
    dialog.getFooter().add(cancel, install);
    dialog.open();
  }
}
