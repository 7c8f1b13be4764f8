package dev.hourglass.ui.action;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.BeforeEvent;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.HasUrlParameter;
import com.vaadin.flow.router.OptionalParameter;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.router.Route;
import dev.hourglass.action.Action;
import dev.hourglass.action.ActionAuthoring;
import dev.hourglass.action.ActionConfig;
import dev.hourglass.action.ActionDraft;
import dev.hourglass.action.ActionId;
import dev.hourglass.action.ActionService;
import dev.hourglass.action.Routine;
import dev.hourglass.action.SqlProblem;
import dev.hourglass.common.InvalidInputException;
import dev.hourglass.common.UserFacingException;
import dev.hourglass.database.DatabaseService;
import dev.hourglass.database.RegisteredDatabase;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.ui.editor.SqlEditor;
import dev.hourglass.ui.shell.MainLayout;
import dev.hourglass.ui.shell.Notices;
import dev.hourglass.ui.shell.SignedInPerson;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;

/**
 * add_job ({@code actions/edit?database=<id>}) and alter_job ({@code actions/edit/<id>}): pick or
 * write the routine, its config and check_config, and the schedule with a preview.
 */
@Route(value = "actions/edit", layout = MainLayout.class)
@Dependent
class ActionEditView extends VerticalLayout implements HasUrlParameter<String>, HasDynamicTitle {
  private static final long serialVersionUID = 1L;
  static final String SAMPLE =
      """
      CREATE PROCEDURE public.my_action(job_id integer, config jsonb)
      LANGUAGE plpgsql AS $$
      BEGIN
        RAISE NOTICE 'job % runs with %', job_id, config;
      END
      $$;
      """;

  private final transient ActionService actions;
  private final transient ActionAuthoring authoring;
  private final transient DatabaseService databases;
  private final Caller caller;
  private final TenantId tenant;

  private final H2 title = new H2();
  private final ComboBox<RegisteredDatabase> database = new ComboBox<>("Database");
  private final TextField name = new TextField("job_name");
  private final ComboBox<Routine> routine = new ComboBox<>("Function or procedure");
  private final SqlEditor sql = new SqlEditor(SAMPLE);
  private final Div sqlError = new Div();
  private final TextArea config = new TextArea("config (JSON)");
  private final ComboBox<Routine> check = new ComboBox<>("check_config");
  private final com.vaadin.flow.component.checkbox.Checkbox configMerge =
      new com.vaadin.flow.component.checkbox.Checkbox(
          "config_merge: merge these keys into the stored config");
  private final ScheduleForm schedule = new ScheduleForm();
  private Action editing;

  @Inject
  ActionEditView(
      SignedInPerson person,
      ActionService actions,
      ActionAuthoring authoring,
      DatabaseService databases) {
    this.actions = actions;
    this.authoring = authoring;
    this.databases = databases;
    this.caller = person.caller();
    this.tenant = person.currentMembership().map(m -> m.tenant().id()).orElse(null);
    setMaxWidth("64rem");
    title.setId("action-form-title");

    database.setId("action-database");
    database.setItemLabelGenerator(RegisteredDatabase::name);
    database.setRequiredIndicatorVisible(true);
    database.addValueChangeListener(e -> loadRoutines());
    name.setId("action-name");
    name.setHelperText("Empty = User-Defined Action [job_id]");
    name.setMaxLength(128);
    routine.setId("action-routine");
    routine.setItemLabelGenerator(ActionEditView::label);
    routine.setRequiredIndicatorVisible(true);
    routine.setWidthFull();
    routine.addValueChangeListener(
        e -> {
          var r = e.getValue();
          routine.setInvalid(r != null && !r.usableAsAction());
          routine.setErrorMessage(r == null ? null : r.whyNotAction());
        });
    check.setId("action-check");
    check.setItemLabelGenerator(r -> r.name().toString());
    check.setClearButtonVisible(true);
    check.setHelperText("A function (config jsonb) that raises an error for a bad config");

    sql.setId("action-sql");
    sql.setWidthFull();
    sql.setHeight("16rem");
    sql.setAriaLabel("New procedure (SQL)");
    sqlError.setId("action-sql-error");
    sqlError.getStyle().set("color", "var(--lumo-error-text-color)").set("white-space", "pre-wrap");
    var create = new Button("Create in database", e -> createRoutine());
    create.setId("action-sql-create");
    var write = new Details("Write a new procedure", new VerticalLayout(sql, sqlError, create));
    write.setId("action-write");
    write.setWidthFull();

    config.setId("action-config");
    config.setWidthFull();
    config.setPlaceholder("{\"drop_after\": \"30 days\"}");
    config
        .getStyle()
        .set("font-family", "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace");
    config.setValueChangeMode(ValueChangeMode.EAGER);
    configMerge.setId("action-config-merge");
    configMerge.setVisible(false);
    config.addValueChangeListener(
        e -> {
          try {
            validateConfig();
          } catch (InvalidInputException ignored) {
            // Marked on the field; saving refuses it again.
          }
        });

    var save = new Button("Save", e -> save());
    save.setId("action-save");
    save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    var cancel = new Button("Cancel", e -> leave());
    add(
        title,
        new HorizontalLayout(database, name),
        routine,
        write,
        config,
        configMerge,
        check,
        new H3("Schedule"),
        schedule,
        new HorizontalLayout(save, cancel));
  }

  private static String label(Routine r) {
    return r.name()
        + "("
        + r.arguments()
        + ")"
        + (r.usableAsAction() ? "" : " – not usable: " + r.whyNotAction());
  }

  @Override
  public void setParameter(BeforeEvent event, @OptionalParameter String id) {
    if (tenant == null) {
      return;
    }
    try {
      var all = databases.list(caller, tenant);
      database.setItems(all);
      if (id == null) {
        title.setText("New action");
        var wanted =
            event
                .getLocation()
                .getQueryParameters()
                .getParameters()
                .getOrDefault("database", List.of());
        all.stream()
            .filter(d -> wanted.contains(d.id().toString()))
            .findFirst()
            .or(() -> all.stream().findFirst())
            .ifPresent(database::setValue);
        return;
      }
      editing = actions.get(caller, tenant, ActionId.parse(id));
      title.setText("Edit " + editing.jobName());
      all.stream()
          .filter(d -> d.id().equals(editing.database()))
          .findFirst()
          .ifPresent(database::setValue);
      database.setReadOnly(true);
      configMerge.setVisible(true);
      name.setValue(editing.jobName());
      routine
          .getListDataView()
          .getItems()
          .filter(r -> r.name().equals(editing.routine()))
          .findFirst()
          .ifPresent(routine::setValue);
      config.setValue(editing.config().isEmpty() ? "" : editing.config().json());
      editing
          .checkConfig()
          .flatMap(
              c -> check.getListDataView().getItems().filter(r -> r.name().equals(c)).findFirst())
          .ifPresent(check::setValue);
      schedule.fill(editing.schedule(), editing.scheduled(), editing.maxRuntime());
    } catch (UserFacingException e) {
      Notices.error(e.getMessage());
      event.forwardTo(ActionsView.class);
    }
  }

  @Override
  public String getPageTitle() {
    return (editing == null ? "New action" : "Edit " + editing.jobName()) + " · Hourglass";
  }

  private void loadRoutines() {
    var db = database.getValue();
    if (db == null) {
      routine.setItems(List.of());
      check.setItems(List.of());
      return;
    }
    try {
      var all = authoring.routines(caller, tenant, db.id());
      showRoutines(all);
    } catch (UserFacingException e) {
      Notices.error(e.getMessage());
    }
  }

  private void showRoutines(List<Routine> all) {
    var chosen = routine.getValue();
    routine.setItems(all);
    check.setItems(all.stream().filter(Routine::usableAsCheck).toList());
    if (chosen != null) {
      all.stream()
          .filter(r -> r.name().equals(chosen.name()))
          .findFirst()
          .ifPresent(routine::setValue);
    }
  }

  private void createRoutine() {
    var db = database.getValue();
    if (db == null) {
      database.setInvalid(true);
      database.setErrorMessage("Choose the database first.");
      return;
    }
    sqlError.setText("");
    sql.clearError();
    try {
      var before = routine.getListDataView().getItems().map(Routine::name).toList();
      var all = authoring.createRoutine(caller, tenant, db.id(), sql.getValue());
      showRoutines(all);
      all.stream()
          .filter(r -> r.usableAsAction() && !before.contains(r.name()))
          .findFirst()
          .ifPresent(routine::setValue);
      Notices.success("Created in " + db.name() + ".");
    } catch (SqlProblem e) {
      if (e.line() > 0) {
        sql.showError(
            e.line(),
            e.column(),
            e.getMessage().replaceFirst(" \\(line \\d+, column \\d+\\)$", ""));
      }
      sqlError.setText(
          e.getMessage()
              + (e.detail().isEmpty() ? "" : "\nDetail: " + e.detail())
              + (e.hint().isEmpty() ? "" : "\nHint: " + e.hint()));
    } catch (UserFacingException e) {
      Notices.error(e.getMessage());
    }
  }

  private ActionConfig validateConfig() {
    try {
      var parsed = new ActionConfig(config.getValue());
      config.setInvalid(false);
      return parsed;
    } catch (InvalidInputException e) {
      config.setErrorMessage(e.getMessage());
      config.setInvalid(true);
      throw e;
    }
  }

  private void save() {
    try {
      if (database.getValue() == null) {
        throw new InvalidInputException("database", "Choose the database the action runs in.");
      }
      if (routine.getValue() == null) {
        routine.setInvalid(true);
        routine.setErrorMessage("Choose a procedure or function, or write a new one.");
        return;
      }
      var draft =
          new ActionDraft(
              database.getValue().id(),
              name.getValue(),
              routine.getValue().name(),
              validateConfig(),
              Optional.ofNullable(check.getValue()).map(Routine::name),
              schedule.schedule(),
              schedule.scheduled.getValue(),
              schedule.maxRuntime(),
              schedule.nextStart());
      var saved =
          editing == null
              ? actions.add(caller, tenant, draft)
              : actions.alter(
                  caller, tenant, editing.id(), draft, configMerge.getValue(), editing.version());
      Notices.success((editing == null ? "Added " : "Saved ") + saved.jobName() + ".");
      getUI().ifPresent(ui -> ui.navigate(ActionView.class, saved.id().toString()));
    } catch (SqlProblem e) {
      config.setErrorMessage("check_config refused it: " + e.getMessage());
      config.setInvalid(true);
    } catch (InvalidInputException e) {
      if (e.field().equals("routine")) {
        routine.setErrorMessage(e.getMessage());
        routine.setInvalid(true);
      } else if (e.field().equals("job_name")) {
        name.setErrorMessage(e.getMessage());
        name.setInvalid(true);
      } else if (e.field().equals("database")) {
        database.setErrorMessage(e.getMessage());
        database.setInvalid(true);
      } else if (e.field().equals("checkConfig")) {
        check.setErrorMessage(e.getMessage());
        check.setInvalid(true);
      } else if (!java.util.Set.of(
              "config",
              "schedule_interval",
              "cron",
              "timezone",
              "fixed_schedule",
              "retry_period",
              "max_retries",
              "max_runtime",
              "initial_start",
              "minute",
              "hour",
              "day-of-month",
              "month",
              "day-of-week")
          .contains(e.field())) {
        Notices.error(e.getMessage());
      }
      // Schedule and config fields mark themselves.
    } catch (UserFacingException e) {
      Notices.error(e.getMessage());
    }
  }

  private void leave() {
    getUI()
        .ifPresent(
            ui -> {
              if (editing == null) {
                ui.navigate(ActionsView.class);
              } else {
                ui.navigate(ActionView.class, editing.id().toString());
              }
            });
  }

  static QueryParameters forDatabase(String databaseId) {
    return QueryParameters.of("database", databaseId);
  }
}
