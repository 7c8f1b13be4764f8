package dev.hourglass.ui.action;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEvent;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.HasUrlParameter;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import dev.hourglass.action.Action;
import dev.hourglass.action.ActionId;
import dev.hourglass.action.ActionService;
import dev.hourglass.action.ForegroundRun;
import dev.hourglass.action.Notice;
import dev.hourglass.common.UserFacingException;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.Permission;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.ui.shell.MainLayout;
import dev.hourglass.ui.shell.Notices;
import dev.hourglass.ui.shell.SignedInPerson;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.util.stream.Collectors;

/** One action: its job parameters, pause/resume, run now with the server's notices, delete. */
@Route(value = "actions", layout = MainLayout.class)
@Dependent
class ActionView extends VerticalLayout implements HasUrlParameter<String>, HasDynamicTitle {
  private static final long serialVersionUID = 1L;

  private final transient ActionService actions;
  private final transient RunNowExecutor executor;
  private final Caller caller;
  private final TenantId tenant;
  private final boolean mayEdit;
  private final Div output = new Div();
  private Action shown;

  @Inject
  ActionView(SignedInPerson person, ActionService actions, RunNowExecutor executor) {
    this.actions = actions;
    this.executor = executor;
    this.caller = person.caller();
    var membership = person.currentMembership();
    this.tenant = membership.map(m -> m.tenant().id()).orElse(null);
    this.mayEdit = membership.map(m -> m.role().allows(Permission.EDIT_ACTIONS)).orElse(false);
    output.setId("run-output");
    output.setWidthFull();
  }

  @Override
  public void setParameter(BeforeEvent event, String id) {
    if (tenant == null) {
      return;
    }
    try {
      shown = actions.get(caller, tenant, ActionId.parse(id));
    } catch (UserFacingException e) {
      Notices.error(e.getMessage());
      event.forwardTo(ActionsView.class);
      return;
    }
    render();
  }

  @Override
  public String getPageTitle() {
    return (shown == null ? "Action" : shown.jobName()) + " · Hourglass";
  }

  private void render() {
    removeAll();
    var a = shown;
    var title = new H2(a.jobName());
    title.setId("action-title");
    var facts = new FormLayout();
    var status = new Span(a.status().label());
    status.setId("action-status");
    facts.addFormItem(status, "Status");
    facts.addFormItem(new Span(Integer.toString(a.jobId())), "job_id");
    facts.addFormItem(new Span(a.databaseName()), "Database");
    facts.addFormItem(new Span(a.kind().name().toLowerCase() + " " + a.routine()), "Routine");
    facts.addFormItem(new Span(Schedules.describe(a)), "Schedule");
    var next = new Span(Schedules.nextStart(a));
    next.setId("action-next-start");
    facts.addFormItem(next, "next_start");
    facts.addFormItem(
        new Span(
            a.schedule().initialStart() == null
                ? "–"
                : Schedules.when(a.schedule().initialStart(), Schedules.zoneOf(a))),
        "initial_start");
    facts.addFormItem(
        new Span(a.maxRuntime().isZero() ? "no limit" : a.maxRuntime().toMinutes() + " min"),
        "max_runtime");
    facts.addFormItem(
        new Span(
            a.schedule().maxRetries().value() < 0
                ? "unlimited"
                : Integer.toString(a.schedule().maxRetries().value())),
        "max_retries");
    facts.addFormItem(new Span(a.schedule().retryPeriod().toString()), "retry_period");
    facts.addFormItem(new Span(a.config().isEmpty() ? "none" : a.config().json()), "config");
    facts.addFormItem(
        new Span(a.checkConfig().map(Object::toString).orElse("none")), "check_config");
    a.disabledReason().ifPresent(r -> facts.addFormItem(new Span(r), "Stopped because"));

    var runNow = new Button("Run now");
    runNow.addClickListener(e -> runNow(runNow));
    runNow.setId("action-run-now");
    runNow.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    var pause =
        new Button("Pause", e -> change(() -> actions.pause(caller, tenant, a.id()), "Paused."));
    pause.setId("action-pause");
    pause.setVisible(a.status() != Action.Status.PAUSED && a.status() != Action.Status.DISABLED);
    var resume =
        new Button("Resume", e -> change(() -> actions.resume(caller, tenant, a.id()), "Resumed."));
    resume.setId("action-resume");
    resume.setVisible(!pause.isVisible());
    var edit = new RouterLink("Edit", ActionEditView.class, a.id().toString());
    edit.setId("action-edit");
    var delete = new Button("Delete…", e -> confirmDelete());
    delete.setId("action-delete");
    delete.addThemeVariants(ButtonVariant.LUMO_ERROR);
    var buttons = new HorizontalLayout(runNow, pause, resume, edit, delete);
    buttons.setVisible(mayEdit);
    add(new RouterLink("All actions", ActionsView.class), title, facts, buttons, output);
  }

  private void change(Runnable action, String done) {
    try {
      action.run();
      shown = actions.get(caller, tenant, shown.id());
      Notices.success(done);
      render();
    } catch (UserFacingException e) {
      Notices.error(e.getMessage());
    }
  }

  /**
   * Runs in the background and streams the server's notices to the page as they come (server push),
   * then shows the outcome; the page stays usable meanwhile.
   */
  private void runNow(Button button) {
    output.removeAll();
    var heading = new H3("Running…");
    heading.setId("run-outcome");
    var notices = new Pre("");
    notices.setId("run-notices");
    output.add(heading, notices);
    button.setEnabled(false);
    var ui = UI.getCurrent();
    var id = shown.id();
    executor.submit(
        () -> {
          try {
            var run =
                actions.runNow(
                    caller,
                    tenant,
                    id,
                    n -> ui.access(() -> notices.setText(notices.getText() + line(n) + "\n")));
            ui.access(
                () -> {
                  finish(run, heading, notices);
                  button.setEnabled(true);
                });
          } catch (RuntimeException e) {
            var message =
                e instanceof UserFacingException
                    ? e.getMessage()
                    : "The run could not be started or finished; see the server log.";
            try {
              ui.access(
                  () -> {
                    heading.setText("Not run");
                    button.setEnabled(true);
                    Notices.error(message);
                  });
            } catch (com.vaadin.flow.component.UIDetachedException gone) {
              // The page was closed meanwhile; there is no one to tell.
            }
          }
        });
  }

  private void finish(ForegroundRun run, H3 heading, Pre notices) {
    heading.setText(
        (run.succeeded() ? "Succeeded" : "Failed") + " in " + run.took().toMillis() + " ms");
    notices.setText(
        run.notices().isEmpty()
            ? "(no notices)"
            : run.notices().stream().map(ActionView::line).collect(Collectors.joining("\n")));
    run.error()
        .ifPresent(
            e -> {
              var error =
                  new Pre(
                      "ERROR "
                          + e.sqlState()
                          + ": "
                          + e.getMessage()
                          + (e.detail().isEmpty() ? "" : "\nDETAIL: " + e.detail())
                          + (e.hint().isEmpty() ? "" : "\nHINT: " + e.hint()));
              error.setId("run-error");
              error.getStyle().set("color", "var(--lumo-error-text-color)");
              output.add(error);
            });
  }

  private static String line(Notice n) {
    return n.severity() + ":  " + n.message();
  }

  private void confirmDelete() {
    var dialog =
        new ConfirmDialog(
            "Delete " + shown.jobName() + "?",
            "It stops running and leaves the lists. Its run history is kept. The procedure stays"
                + " in the database.",
            "Delete",
            e -> {
              try {
                actions.delete(caller, tenant, shown.id());
                Notices.success("Deleted " + shown.jobName() + ".");
                getUI().ifPresent(ui -> ui.navigate(ActionsView.class));
              } catch (UserFacingException ex) {
                Notices.error(ex.getMessage());
              }
            },
            "Cancel",
            e -> {});
    dialog.setConfirmButtonTheme("error primary");
    dialog.setId("action-delete-dialog");
    dialog.open();
  }
}
