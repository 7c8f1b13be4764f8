package dev.hourglass.ui.action;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.DetachEvent;
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
import dev.hourglass.common.UserFacingException;
import dev.hourglass.dispatch.ActionRun;
import dev.hourglass.dispatch.ActionStats;
import dev.hourglass.dispatch.RunHistory;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.Permission;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.ui.shell.MainLayout;
import dev.hourglass.ui.shell.Notices;
import dev.hourglass.ui.shell.PageTicker;
import dev.hourglass.ui.shell.SignedInPerson;
import dev.hourglass.ui.shell.Times;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;

/**
 * One action: its job parameters, pause/resume, run now with the server's notices, delete, and its
 * run history (statistics and the latest runs), which updates itself by server push as runs are
 * claimed and recorded, on this node or another.
 */
@Route(value = "actions", layout = MainLayout.class)
@Dependent
class ActionView extends VerticalLayout implements HasUrlParameter<String>, HasDynamicTitle {
  private static final long serialVersionUID = 1L;

  private final transient ActionService actions;
  private final transient RunHistory runs;
  private final transient RunNowExecutor executor;
  private final transient PageTicker ticker;
  private final transient Clock clock = Clock.systemUTC();
  private final Caller caller;
  private final TenantId tenant;
  private final boolean mayEdit;
  private final Div output = new Div();
  private final Span status = new Span();
  private final Span next = new Span();
  private final Span stopped = new Span();
  private final Button pause = new Button("Pause");
  private final Button resume = new Button("Resume");
  private final RunHistoryPanel history = new RunHistoryPanel();
  private Component stoppedItem;
  private Action shown;
  private transient volatile ActionStats shownStats;
  private volatile boolean changesWithTime;
  private transient Runnable unregister;

  @Inject
  ActionView(
      SignedInPerson person,
      ActionService actions,
      RunHistory runs,
      RunNowExecutor executor,
      PageTicker ticker) {
    this.actions = actions;
    this.runs = runs;
    this.executor = executor;
    this.ticker = ticker;
    this.caller = person.caller();
    var membership = person.currentMembership();
    this.tenant = membership.map(m -> m.tenant().id()).orElse(null);
    this.mayEdit = membership.map(m -> m.role().allows(Permission.EDIT_ACTIONS)).orElse(false);
    output.setId("run-output");
    output.setWidthFull();
    status.setId("action-status");
    next.setId("action-next-start");
    pause.setId("action-pause");
    pause.addClickListener(e -> change(() -> actions.pause(caller, tenant, shown.id()), "Paused."));
    resume.setId("action-resume");
    resume.addClickListener(
        e -> change(() -> actions.resume(caller, tenant, shown.id()), "Resumed."));
  }

  @Override
  public void setParameter(BeforeEvent event, String id) {
    if (tenant == null) {
      return;
    }
    try {
      shown = actions.get(caller, tenant, ActionId.parse(id));
      var stats = runs.stats(caller, tenant, shown.id());
      showHistory(stats, runs.runs(caller, tenant, shown.id(), RunHistoryPanel.LIMIT));
    } catch (UserFacingException e) {
      Notices.error(e.getMessage());
      event.forwardTo(ActionsView.class);
      return;
    }
    render();
  }

  @Override
  protected void onAttach(AttachEvent attachEvent) {
    if (shown == null) {
      return;
    }
    var ui = attachEvent.getUI();
    Times.browserZone(ui, history::setZone);
    var id = shown.id();
    unregister = ticker.register(() -> pollFrom(ui, id));
  }

  @Override
  protected void onDetach(DetachEvent detachEvent) {
    if (unregister != null) {
      unregister.run();
      unregister = null;
    }
  }

  /**
   * On the ticker's thread: when the action's statistics changed (a run was claimed or recorded) or
   * a shown run starts with time, reloads the runs and the action and pushes them.
   */
  private void pollFrom(UI ui, ActionId id) {
    var stats = runs.stats(caller, tenant, id);
    if (stats.equals(shownStats) && !changesWithTime) {
      return;
    }
    var list = runs.runs(caller, tenant, id, RunHistoryPanel.LIMIT);
    var action = actions.get(caller, tenant, id);
    ui.access(
        () -> {
          shown = action;
          showState();
          showHistory(stats, list);
        });
  }

  private void showHistory(ActionStats stats, List<ActionRun> list) {
    shownStats = stats;
    history.show(stats, list, clock.instant());
    changesWithTime = history.changesWithTime();
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
    facts.addFormItem(status, "Status");
    facts.addFormItem(new Span(Integer.toString(a.jobId())), "job_id");
    facts.addFormItem(new Span(a.databaseName()), "Database");
    facts.addFormItem(new Span(a.kind().name().toLowerCase() + " " + a.routine()), "Routine");
    facts.addFormItem(new Span(Schedules.describe(a)), "Schedule");
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
    stoppedItem = facts.addFormItem(stopped, "Stopped because");
    showState();

    var runNow = new Button("Run now");
    runNow.addClickListener(e -> runNow(runNow));
    runNow.setId("action-run-now");
    runNow.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    var edit = new RouterLink("Edit", ActionEditView.class, a.id().toString());
    edit.setId("action-edit");
    var delete = new Button("Delete…", e -> confirmDelete());
    delete.setId("action-delete");
    delete.addThemeVariants(ButtonVariant.LUMO_ERROR);
    var buttons = new HorizontalLayout(runNow, pause, resume, edit, delete);
    buttons.setVisible(mayEdit);
    add(new RouterLink("All actions", ActionsView.class), title, facts, buttons, output, history);
  }

  /** What changes as the action runs: its status, next start, why it stopped, pause or resume. */
  private void showState() {
    var a = shown;
    status.setText(a.status().label());
    next.setText(Schedules.nextStart(a));
    stopped.setText(a.disabledReason().orElse(""));
    stoppedItem.setVisible(a.disabledReason().isPresent());
    pause.setVisible(a.status() != Action.Status.PAUSED && a.status() != Action.Status.DISABLED);
    resume.setVisible(!pause.isVisible());
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
                    n ->
                        ui.access(
                            () -> notices.setText(notices.getText() + RunTexts.line(n) + "\n")));
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
    notices.setText(run.notices().isEmpty() ? "(no notices)" : RunTexts.lines(run.notices()));
    run.error()
        .ifPresent(
            e -> {
              var error =
                  new Pre(RunTexts.error(e.sqlState(), e.getMessage(), e.detail(), e.hint()));
              error.setId("run-error");
              error.getStyle().set("color", "var(--lumo-error-text-color)");
              output.add(error);
            });
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
