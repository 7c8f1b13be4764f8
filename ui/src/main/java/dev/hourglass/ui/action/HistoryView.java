package dev.hourglass.ui.action;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.CheckboxGroup;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.datetimepicker.DateTimePicker;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.renderer.LitRenderer;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.Location;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.router.Route;
import dev.hourglass.action.Action;
import dev.hourglass.action.ActionId;
import dev.hourglass.action.ActionService;
import dev.hourglass.common.InvalidInputException;
import dev.hourglass.common.UserFacingException;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.database.DatabaseService;
import dev.hourglass.database.RegisteredDatabase;
import dev.hourglass.dispatch.ActionRun;
import dev.hourglass.dispatch.ActionStats;
import dev.hourglass.dispatch.RunFilter;
import dev.hourglass.dispatch.RunHistory;
import dev.hourglass.dispatch.RunPage;
import dev.hourglass.dispatch.RunStatus;
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
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The team's runs, searchable: TimescaleDB's job_history and job_errors over every database, one
 * database or one action, by status, time range of slots, SQLSTATE and text in the error, with the
 * job_stats of the chosen scope on top. The filters live in the address, so a search can be
 * bookmarked and shared.
 */
@Route(value = HistoryView.ROUTE, layout = MainLayout.class)
@PageTitle("Run history · Hourglass")
@Dependent
class HistoryView extends VerticalLayout implements BeforeEnterObserver {
  private static final long serialVersionUID = 1L;
  static final String ROUTE = "history";
  static final int PAGE = 50;
  private static final String NONE = "–";

  private final transient RunHistory runs;
  private final Caller caller;
  private final TenantId tenant;
  private final transient Map<DatabaseId, RegisteredDatabase> databasesById = new HashMap<>();
  private final transient Map<ActionId, Action> actionsById = new HashMap<>();

  private final ComboBox<RegisteredDatabase> database = new ComboBox<>("Database");
  private final ComboBox<Action> action = new ComboBox<>("Action");
  private final CheckboxGroup<RunStatus> statuses = new CheckboxGroup<>("Status");
  private final DateTimePicker from = new DateTimePicker("Slots from");
  private final DateTimePicker to = new DateTimePicker("Slots before");
  private final TextField sqlState = new TextField("SQLSTATE");
  private final TextField text = new TextField("Text in the error");
  private final FlexLayout summary = new FlexLayout();
  private final Paragraph note = new Paragraph();
  private final Grid<ActionRun> grid = new Grid<>();
  private final Button more = new Button("Show more");
  private final transient List<ActionRun> shown = new ArrayList<>();
  private transient Optional<RunPage.Cursor> next = Optional.empty();
  private transient RunFilter filter = RunFilter.all();
  private ZoneId zone = ZoneOffset.UTC;

  @Inject
  HistoryView(
      SignedInPerson person, RunHistory runs, ActionService actions, DatabaseService databases) {
    this.runs = runs;
    this.caller = person.caller();
    this.tenant = person.currentMembership().map(m -> m.tenant().id()).orElse(null);
    setId("history-page");
    if (tenant == null) {
      return;
    }
    databases.list(caller, tenant).forEach(d -> databasesById.put(d.id(), d));
    actions.list(caller, tenant, Optional.empty()).forEach(a -> actionsById.put(a.id(), a));

    database.setId("history-database");
    database.setItems(databasesById.values().stream().sorted(byName()).toList());
    database.setItemLabelGenerator(RegisteredDatabase::name);
    database.setPlaceholder("All databases");
    database.setClearButtonVisible(true);
    database.addValueChangeListener(
        e -> {
          action.setItems(actionsIn(Optional.ofNullable(e.getValue())));
          if (action.getValue() != null
              && e.getValue() != null
              && !action.getValue().database().equals(e.getValue().id())) {
            action.clear();
          }
        });
    action.setId("history-action");
    action.setItems(actionsIn(Optional.empty()));
    action.setItemLabelGenerator(a -> a.jobName() + " (" + a.databaseName() + ")");
    action.setPlaceholder("All actions");
    action.setClearButtonVisible(true);
    statuses.setId("history-status");
    statuses.setItems(RunStatus.values());
    statuses.setItemLabelGenerator(RunStatus::label);
    from.setId("history-from");
    to.setId("history-to");
    sqlState.setId("history-sqlstate");
    sqlState.setPlaceholder("42P01 or 42");
    sqlState.setMaxLength(5);
    sqlState.setWidth("8rem");
    text.setId("history-text");
    text.setPlaceholder("does not exist");
    text.setMaxLength(RunFilter.MAX_TEXT);
    var search = new Button("Search", e -> search(true));
    search.setId("history-search");
    search.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    search.addClickShortcut(com.vaadin.flow.component.Key.ENTER);
    var clear = new Button("Clear", e -> clear());
    clear.setId("history-clear");
    var filters = new FlexLayout(database, action, from, to, sqlState, text);
    filters.setFlexWrap(FlexLayout.FlexWrap.WRAP);
    filters.getStyle().set("gap", "var(--lumo-space-m)");
    filters.setAlignItems(FlexComponent.Alignment.BASELINE);
    var buttons = new HorizontalLayout(statuses, search, clear);
    buttons.setAlignItems(FlexComponent.Alignment.BASELINE);

    summary.setId("history-stats");
    summary.setFlexWrap(FlexLayout.FlexWrap.WRAP);
    summary.getStyle().set("gap", "var(--lumo-space-s)");
    note.setId("history-note");
    note.getStyle().set("color", "var(--lumo-secondary-text-color)").set("margin", "0");

    grid.setId("history-runs");
    grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
    grid.setSelectionMode(Grid.SelectionMode.NONE);
    grid.addComponentColumn(RunDetails::link).setHeader("Run").setAutoWidth(true).setFlexGrow(0);
    grid.addComponentColumn(r -> RunBadge.of(r, Instant.now()))
        .setHeader("Status")
        .setWidth("8.5rem")
        .setFlexGrow(0);
    grid.addColumn(r -> Times.moment(r.scheduledFor(), zone, Instant.now()))
        .setHeader("Scheduled for")
        .setAutoWidth(true)
        .setFlexGrow(0);
    grid.addColumn(r -> nameOf(r.action())).setHeader("Action").setAutoWidth(true);
    grid.addColumn(r -> databaseOf(r.action())).setHeader("Database").setAutoWidth(true);
    grid.addColumn(r -> r.startLag().map(Times::took).orElse(NONE))
        .setHeader("Start lag")
        .setAutoWidth(true)
        .setFlexGrow(0);
    grid.addColumn(r -> r.duration().map(Times::took).orElse(NONE))
        .setHeader("Duration")
        .setAutoWidth(true)
        .setFlexGrow(0);
    grid.addColumn(ActionRun::attempt).setHeader("Attempt").setAutoWidth(true).setFlexGrow(0);
    grid.addColumn(
            LitRenderer.<ActionRun>of("<span data-error title=${item.error}>${item.error}</span>")
                .withProperty("error", RunDetails::errorLine))
        .setHeader("Error")
        .setFlexGrow(1);
    grid.setItemDetailsRenderer(
        new com.vaadin.flow.data.renderer.ComponentRenderer<>(r -> RunDetails.of(r, zone)));
    grid.setDetailsVisibleOnClick(true);
    grid.setWidthFull();
    grid.setHeight("32rem");
    more.setId("history-more");
    more.addClickListener(e -> search(false));
    more.setVisible(false);

    setSizeFull();
    add(new H2("Run history"), summary, filters, buttons, note, grid, more);
  }

  @Override
  public void beforeEnter(BeforeEnterEvent event) {
    if (tenant == null) {
      return;
    }
    var query = event.getLocation().getQueryParameters();
    query
        .getSingleParameter("database")
        .flatMap(HistoryView::uuid)
        .map(id -> databasesById.get(new DatabaseId(id)))
        .ifPresent(database::setValue);
    query
        .getSingleParameter("action")
        .flatMap(HistoryView::uuid)
        .map(id -> actionsById.get(new ActionId(id)))
        .ifPresent(action::setValue);
    query
        .getSingleParameter("status")
        .ifPresent(
            list ->
                statuses.setValue(
                    Arrays.stream(list.split(","))
                        .flatMap(s -> parseStatus(s).stream())
                        .collect(Collectors.toCollection(() -> EnumSet.noneOf(RunStatus.class)))));
    query.getSingleParameter("sqlstate").ifPresent(sqlState::setValue);
    query.getSingleParameter("text").ifPresent(text::setValue);
  }

  @Override
  protected void onAttach(AttachEvent attachEvent) {
    if (tenant == null) {
      return;
    }
    search(true);
    Times.browserZone(
        attachEvent.getUI(),
        z -> {
          zone = z;
          grid.getDataProvider().refreshAll();
        });
  }

  private void clear() {
    database.clear();
    action.clear();
    statuses.clear();
    from.clear();
    to.clear();
    sqlState.clear();
    text.clear();
    search(true);
  }

  /** A new search from the filters, or the next page of the current one. */
  private void search(boolean fresh) {
    for (HasValidation field : List.of(statuses, to, sqlState, text)) {
      field.setInvalid(false);
    }
    if (fresh) {
      try {
        filter = filterFromFields();
      } catch (InvalidInputException e) {
        HasValidation field =
            switch (e.field()) {
              case "sqlState" -> sqlState;
              case "text" -> text;
              case "to" -> to;
              default -> statuses;
            };
        field.setErrorMessage(e.getMessage());
        field.setInvalid(true);
        return;
      }
      shown.clear();
      next = Optional.empty();
      showSummary();
      remember();
    }
    RunPage page;
    try {
      page = runs.search(caller, tenant, filter, fresh ? Optional.empty() : next, PAGE);
    } catch (UserFacingException e) {
      Notices.error(e.getMessage());
      return;
    }
    shown.addAll(page.runs());
    next = page.next();
    grid.setItems(shown);
    more.setVisible(next.isPresent());
    showNote();
  }

  private RunFilter filterFromFields() {
    var f = RunFilter.all();
    if (database.getValue() != null) {
      f = f.inDatabase(database.getValue().id());
    }
    if (action.getValue() != null) {
      f = f.ofAction(action.getValue().id());
    }
    return f.withStatuses(statuses.getValue())
        .between(instant(from.getValue()), instant(to.getValue()))
        .withError(Optional.ofNullable(sqlState.getValue()), Optional.ofNullable(text.getValue()));
  }

  /** Puts the filters into the address, so reloading or sharing it shows the same search. */
  private void remember() {
    var params = new LinkedHashMap<String, String>();
    filter.database().ifPresent(d -> params.put("database", d.value().toString()));
    filter.action().ifPresent(a -> params.put("action", a.value().toString()));
    if (!filter.statuses().isEmpty()) {
      params.put(
          "status",
          filter.statuses().stream()
              .map(s -> s.name().toLowerCase())
              .sorted()
              .collect(Collectors.joining(",")));
    }
    filter.sqlState().ifPresent(s -> params.put("sqlstate", s));
    filter.text().ifPresent(t -> params.put("text", t));
    getUI()
        .ifPresent(
            ui ->
                ui.getPage()
                    .getHistory()
                    .replaceState(null, new Location(ROUTE, QueryParameters.simple(params))));
  }

  /** job_stats of the scope: one action, one database's actions, or all the team's. */
  private void showSummary() {
    Map<ActionId, ActionStats> all;
    try {
      all = runs.stats(caller, tenant, filter.database());
    } catch (UserFacingException e) {
      Notices.error(e.getMessage());
      return;
    }
    var scope =
        filter
            .action()
            .map(a -> all.containsKey(a) ? List.of(all.get(a)) : List.<ActionStats>of())
            .orElseGet(() -> List.copyOf(all.values()));
    long total = scope.stream().mapToLong(ActionStats::totalRuns).sum();
    long succeeded = scope.stream().mapToLong(ActionStats::totalSuccesses).sum();
    long failed = scope.stream().mapToLong(ActionStats::totalFailures).sum();
    long crashed = scope.stream().mapToLong(ActionStats::totalCrashes).sum();
    long failing = scope.stream().filter(s -> s.consecutiveFailures() > 0).count();
    long running = scope.stream().filter(ActionStats::running).count();
    summary.removeAll();
    summary.add(
        RunHistoryPanel.tile(
            "history-actions", "Actions", RunHistoryPanel.count(scope.size(), false)),
        RunHistoryPanel.tile("history-total", "Total runs", RunHistoryPanel.count(total, false)),
        RunHistoryPanel.tile(
            "history-succeeded", "Succeeded", RunHistoryPanel.count(succeeded, false)),
        RunHistoryPanel.tile("history-failed", "Failed", RunHistoryPanel.count(failed, true)),
        RunHistoryPanel.tile("history-crashed", "Crashed", RunHistoryPanel.count(crashed, true)),
        RunHistoryPanel.tile(
            "history-failing", "Failing now", RunHistoryPanel.count(failing, true)),
        RunHistoryPanel.tile(
            "history-running", "Running now", RunHistoryPanel.count(running, false)));
  }

  private void showNote() {
    note.getElement().setAttribute("data-shown", Integer.toString(shown.size()));
    if (shown.isEmpty()) {
      note.setText("No runs match. Widen the time range or clear a filter.");
      return;
    }
    note.setText(
        "Newest slot first. Shown: "
            + shown.size()
            + (next.isPresent() ? ", more below." : ", all that match.")
            + (filter.errorsOnly() ? " Errors only (job_errors)." : "")
            + " Click a row for its messages, notices and config, or its number for its page.");
  }

  private List<Action> actionsIn(Optional<RegisteredDatabase> db) {
    return actionsById.values().stream()
        .filter(a -> db.isEmpty() || a.database().equals(db.get().id()))
        .sorted((a, b) -> a.jobName().compareToIgnoreCase(b.jobName()))
        .toList();
  }

  private String nameOf(ActionId id) {
    var a = actionsById.get(id);
    return a == null ? "(deleted action)" : a.jobName();
  }

  private String databaseOf(ActionId id) {
    var a = actionsById.get(id);
    return a == null ? NONE : a.databaseName();
  }

  private Optional<Instant> instant(LocalDateTime local) {
    return Optional.ofNullable(local).map(l -> l.atZone(zone).toInstant());
  }

  private static java.util.Comparator<RegisteredDatabase> byName() {
    return (a, b) -> a.name().compareToIgnoreCase(b.name());
  }

  private static Optional<RunStatus> parseStatus(String s) {
    try {
      return Optional.of(RunStatus.valueOf(s.strip().toUpperCase()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** A UUID from an address parameter, empty when it is not one. */
  static Optional<UUID> uuid(String s) {
    try {
      return Optional.of(UUID.fromString(s));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
