package dev.hourglass.ui.action;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEvent;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.HasUrlParameter;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import dev.hourglass.action.Action;
import dev.hourglass.action.ActionService;
import dev.hourglass.common.UserFacingException;
import dev.hourglass.dispatch.ActionRun;
import dev.hourglass.dispatch.RunHistory;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.ui.shell.MainLayout;
import dev.hourglass.ui.shell.Notices;
import dev.hourglass.ui.shell.RunBadge;
import dev.hourglass.ui.shell.SignedInPerson;
import dev.hourglass.ui.shell.Times;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * One run on a page of its own: timing, start lag, the error, notices, config, node and attempt.
 * Its address ({@code runs/<id>?team=<tenant>}) is what alert mails link to; the team parameter
 * switches a member of several teams to the run's team.
 */
@Route(value = RunView.ROUTE, layout = MainLayout.class)
@Dependent
class RunView extends VerticalLayout implements HasUrlParameter<Long>, HasDynamicTitle {
  private static final long serialVersionUID = 1L;
  static final String ROUTE = "runs";

  private final transient ActionService actions;
  private final transient RunHistory runs;
  private final SignedInPerson person;
  private final Caller caller;
  private transient ActionRun shown;
  private transient Action action;
  private ZoneId zone = ZoneOffset.UTC;

  @Inject
  RunView(SignedInPerson person, ActionService actions, RunHistory runs) {
    this.person = person;
    this.actions = actions;
    this.runs = runs;
    this.caller = person.caller();
    setId("run-page");
  }

  @Override
  public void setParameter(BeforeEvent event, Long runId) {
    var team =
        event
            .getLocation()
            .getQueryParameters()
            .getSingleParameter("team")
            .flatMap(HistoryView::uuid);
    team.flatMap(
            id ->
                person.memberships().stream()
                    .filter(m -> m.tenant().id().value().equals(id))
                    .findFirst())
        .ifPresent(person::switchTo);
    var membership = person.currentMembership();
    if (membership.isEmpty()) {
      return;
    }
    TenantId tenant = membership.get().tenant().id();
    try {
      shown = runs.run(caller, tenant, runId);
    } catch (UserFacingException e) {
      Notices.error(
          team.isPresent() && !team.get().equals(tenant.value())
              ? "This run belongs to a team you are not a member of. Ask one of its admins to"
                  + " invite you."
              : e.getMessage());
      event.forwardTo(HistoryView.class);
      return;
    }
    try {
      action = actions.get(caller, tenant, shown.action());
    } catch (UserFacingException e) {
      // Deleted since: its runs stay, the run page shows them without the action's details.
      action = null;
    }
    render();
  }

  @Override
  protected void onAttach(AttachEvent attachEvent) {
    Times.browserZone(
        attachEvent.getUI(),
        z -> {
          zone = z;
          render();
        });
  }

  private void render() {
    if (shown == null) {
      return;
    }
    removeAll();
    var badge = RunBadge.of(shown, Instant.now());
    badge.setId("run-status");
    var name = action == null ? "a deleted action (job " + shown.jobId() + ")" : action.jobName();
    var title = new H2("Run " + shown.id() + " of " + name);
    title.getStyle().set("margin", "0");
    var heading = new HorizontalLayout(title, badge);
    heading.setAlignItems(FlexComponent.Alignment.BASELINE);
    var allRuns = new RouterLink("All runs of this action", HistoryView.class);
    allRuns.setQueryParameters(QueryParameters.of("action", shown.action().value().toString()));
    allRuns.setId("run-history-link");
    var links = new HorizontalLayout(allRuns);
    if (action != null) {
      var toAction = new RouterLink("Action " + name, ActionView.class, action.id().toString());
      toAction.setId("run-action-link");
      links.addComponentAsFirst(toAction);
    }
    var where =
        new Paragraph(
            "Database "
                + (action == null ? "–" : action.databaseName())
                + ", job "
                + shown.jobId()
                + ", slot "
                + Times.exact(shown.scheduledFor(), zone)
                + " ("
                + zone.getId()
                + ")");
    add(heading, where, links, RunDetails.of(shown, zone));
  }

  @Override
  public String getPageTitle() {
    return shown == null ? "Run · Hourglass" : "Run " + shown.id() + " · Hourglass";
  }
}
