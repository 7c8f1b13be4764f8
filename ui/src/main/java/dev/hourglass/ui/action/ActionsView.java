package dev.hourglass.ui.action;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Text;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.provider.ListDataProvider;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import dev.hourglass.action.Action;
import dev.hourglass.action.ActionId;
import dev.hourglass.action.ActionService;
import dev.hourglass.common.UserFacingException;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** Every action of the team, across its databases, with filters by status, database and name. */
@Route(value = "actions", layout = MainLayout.class)
@PageTitle("Actions · Hourglass")
@Dependent
class ActionsView extends VerticalLayout implements BeforeEnterObserver {
  private static final long serialVersionUID = 1L;
  private static final String ANY = "Any";

  private final transient ActionService actions;
  private final transient RunHistory runs;
  private transient Map<ActionId, ActionStats> stats = Map.of();
  private final Caller caller;
  private final TenantId tenant;
  private final Grid<Action> grid = new Grid<>();
  private final ListDataProvider<Action> rows = new ListDataProvider<>(new ArrayList<>());
  private final TextField search = new TextField();
  private final Select<String> database = new Select<>();
  private final Select<String> status = new Select<>();

  @Inject
  ActionsView(SignedInPerson person, ActionService actions, RunHistory runs) {
    this.actions = actions;
    this.runs = runs;
    this.caller = person.caller();
    var membership = person.currentMembership();
    this.tenant = membership.map(m -> m.tenant().id()).orElse(null);
    boolean mayEdit = membership.map(m -> m.role().allows(Permission.EDIT_ACTIONS)).orElse(false);
    setSizeFull();
    var title = new H2("Actions");
    title.setId("actions-title");
    var add = new RouterLink("New action", ActionEditView.class);
    add.setId("new-action");
    add.setVisible(mayEdit);
    var heading = new HorizontalLayout(title, add);
    heading.setWidthFull();
    heading.expand(title);
    heading.setAlignItems(FlexComponent.Alignment.BASELINE);

    search.setId("actions-search");
    search.setPlaceholder("Search name or routine");
    search.setValueChangeMode(ValueChangeMode.LAZY);
    search.setClearButtonVisible(true);
    search.addValueChangeListener(e -> filter());
    database.setId("actions-database");
    database.setLabel("Database");
    database.addValueChangeListener(e -> filter());
    status.setId("actions-status");
    status.setLabel("Status");
    var statuses = new ArrayList<String>();
    statuses.add(ANY);
    for (var s : Action.Status.values()) {
      statuses.add(s.label());
    }
    status.setItems(statuses);
    status.setValue(ANY);
    status.addValueChangeListener(e -> filter());

    grid.setId("actions-grid");
    grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
    grid.addColumn(Action::jobId)
        .setHeader("Job")
        .setAutoWidth(true)
        .setFlexGrow(0)
        .setSortable(true);
    grid.addComponentColumn(
            a -> {
              var link = new RouterLink(a.jobName(), ActionView.class, a.id().toString());
              link.getElement().setAttribute("data-action", a.jobName());
              return link;
            })
        .setHeader("Name")
        .setFlexGrow(2);
    grid.addColumn(Action::databaseName).setHeader("Database").setSortable(true);
    grid.addColumn(a -> a.routine().toString()).setHeader("Routine");
    grid.addColumn(Schedules::describe).setHeader("Schedule").setFlexGrow(2);
    grid.addComponentColumn(this::lastRun).setHeader("Last run").setAutoWidth(true);
    grid.addColumn(Schedules::nextStart).setHeader("Next start").setAutoWidth(true);
    grid.addColumn(a -> a.status().label())
        .setHeader("Status")
        .setAutoWidth(true)
        .setSortable(true);
    grid.setItems(rows);
    grid.setSizeFull();
    add(heading, new HorizontalLayout(search, database, status), grid);
  }

  @Override
  public void beforeEnter(BeforeEnterEvent event) {
    if (tenant == null) {
      return;
    }
    try {
      var all = actions.list(caller, tenant, Optional.empty());
      stats = runs.stats(caller, tenant, Optional.empty());
      rows.getItems().clear();
      rows.getItems().addAll(all);
      var names = new TreeSet<String>(String.CASE_INSENSITIVE_ORDER);
      all.forEach(a -> names.add(a.databaseName()));
      var items = new ArrayList<String>();
      items.add(ANY);
      items.addAll(names);
      database.setItems(items);
      database.setValue(ANY);
      rows.refreshAll();
    } catch (UserFacingException e) {
      Notices.error(e.getMessage());
    }
  }

  /** "[Failed] 3 min ago", or "never run". */
  private Component lastRun(Action a) {
    var s = stats.get(a.id());
    if (s == null || s.lastRunStatus().isEmpty()) {
      return new Span("never run");
    }
    var badge = RunBadge.of(s.lastRunStatus().get());
    badge.getElement().setAttribute("data-last-run-of", a.jobName());
    var when = s.lastFinish().map(t -> " " + Times.ago(t, Instant.now())).orElse("");
    return new Span(badge, new Text(when));
  }

  private void filter() {
    var text = search.getValue() == null ? "" : search.getValue().strip().toLowerCase(Locale.ROOT);
    var db = database.getValue();
    var st = status.getValue();
    rows.setFilter(
        a ->
            (text.isEmpty()
                    || a.jobName().toLowerCase(Locale.ROOT).contains(text)
                    || a.routine().toString().toLowerCase(Locale.ROOT).contains(text))
                && (db == null || ANY.equals(db) || db.equals(a.databaseName()))
                && (st == null || ANY.equals(st) || st.equals(a.status().label())));
  }
}
