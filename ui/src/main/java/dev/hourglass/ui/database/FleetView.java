package dev.hourglass.ui.database;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.provider.ListDataProvider;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import dev.hourglass.database.Capabilities;
import dev.hourglass.database.DatabaseService;
import dev.hourglass.database.DatabaseStatus;
import dev.hourglass.database.RegisteredDatabase;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.Permission;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.ui.shell.MainLayout;
import dev.hourglass.ui.shell.PageTicker;
import dev.hourglass.ui.shell.SignedInPerson;
import dev.hourglass.ui.shell.Times;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The main page: every database of the current team, its reachability and versions, with search and
 * filters. It updates itself (server push) when a check or an edit changes anything, on this node
 * or another.
 */
@Route(value = "", layout = MainLayout.class)
@PageTitle("Databases · Hourglass")
@Dependent
class FleetView extends VerticalLayout {
  private static final long serialVersionUID = 1L;
  private static final String ANY = "Any";

  private final transient DatabaseService databases;
  private final transient dev.hourglass.action.ActionService actions;
  private volatile java.util.Map<
          dev.hourglass.database.DatabaseId, java.util.List<dev.hourglass.action.Action>>
      actionsByDatabase = java.util.Map.of();
  private final transient PageTicker ticker;
  private final transient Clock clock = Clock.systemUTC();
  private final Caller caller;
  private final TenantId tenant; // null for a person without a team: the layout sends them on
  private final boolean mayManage;

  private final Grid<RegisteredDatabase> grid = new Grid<>();
  private final ListDataProvider<RegisteredDatabase> rows =
      new ListDataProvider<>(new java.util.ArrayList<>());
  private final TextField search = new TextField();
  private final Select<String> environment = new Select<>();
  private final Select<String> status = new Select<>();
  private final Span summary = new Span();
  private final Paragraph empty = new Paragraph();

  private volatile List<RegisteredDatabase> all = List.of();
  private volatile String mark = "";
  private ZoneId zone = ZoneOffset.UTC;
  private transient Runnable unregister;

  @Inject
  FleetView(
      SignedInPerson person,
      DatabaseService databases,
      dev.hourglass.action.ActionService actions,
      PageTicker ticker) {
    this.databases = databases;
    this.actions = actions;
    this.ticker = ticker;
    this.caller = person.caller();
    var membership = person.currentMembership();
    this.tenant = membership.map(m -> m.tenant().id()).orElse(null);
    this.mayManage =
        membership.map(m -> m.role().allows(Permission.MANAGE_DATABASES)).orElse(false);
    setSizeFull();

    var title = new H2("Databases");
    title.setId("fleet-title");
    var register = new RouterLink("Register database", DatabaseEditView.class);
    register.setId("register-database");
    register.setVisible(mayManage);
    var heading = new HorizontalLayout(title, register);
    heading.setAlignItems(FlexComponent.Alignment.BASELINE);
    heading.setWidthFull();
    heading.expand(title);

    search.setId("fleet-search");
    search.setPlaceholder("Search name, host or database");
    search.setClearButtonVisible(true);
    search.setValueChangeMode(ValueChangeMode.LAZY);
    search.setWidth("20rem");
    search.addValueChangeListener(e -> applyFilter());
    environment.setId("fleet-environment");
    environment.setLabel("Environment");
    environment.addValueChangeListener(e -> applyFilter());
    status.setId("fleet-status");
    status.setLabel("Status");
    status.setItems(statusChoices());
    status.setValue(ANY);
    status.addValueChangeListener(e -> applyFilter());
    summary.setId("fleet-summary");
    var filters = new HorizontalLayout(search, environment, status, summary);
    filters.setAlignItems(FlexComponent.Alignment.BASELINE);

    grid.setId("fleet-grid");
    grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
    grid.addComponentColumn(
            d -> {
              var link = new RouterLink(d.name(), DatabaseView.class, d.id().toString());
              link.getElement().setAttribute("data-database", d.name());
              return link;
            })
        .setHeader("Name")
        .setSortable(true)
        .setComparator(d -> d.name().toLowerCase(Locale.ROOT))
        .setFlexGrow(2);
    grid.addColumn(RegisteredDatabase::environment).setHeader("Environment").setSortable(true);
    grid.addComponentColumn(this::statusBadge)
        .setHeader("Status")
        .setSortable(true)
        .setComparator(d -> d.status().kind().ordinal())
        .setAutoWidth(true)
        .setFlexGrow(0);
    grid.addColumn(
            d -> d.status().lastCheck().map(t -> Times.ago(t, clock.instant())).orElse("never"))
        .setHeader("Last check");
    grid.addColumn(d -> d.capabilities().map(Capabilities::serverVersion).orElse("–"))
        .setHeader("PostgreSQL");
    grid.addColumn(d -> d.capabilities().flatMap(Capabilities::timescaledbVersion).orElse("–"))
        .setHeader("TimescaleDB");
    grid.addColumn(d -> d.capabilities().flatMap(Capabilities::pgCronVersion).orElse("–"))
        .setHeader("pg_cron");
    grid.addColumn(this::actionSummary).setHeader("Actions").setAutoWidth(true);
    grid.addColumn(this::nextRun).setHeader("Next run").setAutoWidth(true);
    grid.addColumn(RegisteredDatabase::address).setHeader("Address").setFlexGrow(2);
    grid.setSizeFull();
    grid.setItems(rows);

    empty.setId("fleet-empty");
    empty.setVisible(false);
    add(heading, filters, empty, grid);
  }

  private static List<String> statusChoices() {
    var choices = new java.util.ArrayList<String>();
    choices.add(ANY);
    for (var k : DatabaseStatus.Kind.values()) {
      choices.add(k.label());
    }
    return choices;
  }

  private Span statusBadge(RegisteredDatabase d) {
    var badge = new Span(Formats.status(d, zone, clock.instant()));
    badge.getStyle().set("color", Formats.color(d.status().kind())).set("font-weight", "600");
    badge.getElement().setAttribute("data-status", d.status().kind().name());
    badge.getElement().setAttribute("data-status-of", d.name());
    if (d.status().kind() == DatabaseStatus.Kind.UNREACHABLE) {
      badge.getElement().setAttribute("title", d.status().message());
    }
    return badge;
  }

  @Override
  protected void onAttach(AttachEvent attachEvent) {
    if (tenant == null) {
      return;
    }
    var ui = attachEvent.getUI();
    Times.browserZone(
        ui,
        z -> {
          zone = z;
          show(all);
        });
    reload();
    show(all);
    unregister = ticker.register(() -> pollFrom(ui));
  }

  @Override
  protected void onDetach(DetachEvent detachEvent) {
    if (unregister != null) {
      unregister.run();
    }
  }

  /** On the ticker's thread: reloads when the fleet changed, then pushes to the browser. */
  private void pollFrom(UI ui) {
    var now = databases.changeMark(caller, tenant);
    if (!Objects.equals(now, mark)) {
      reload();
      ui.access(() -> show(all));
    }
  }

  private void reload() {
    mark = databases.changeMark(caller, tenant);
    all = databases.list(caller, tenant);
    actionsByDatabase =
        actions.list(caller, tenant, java.util.Optional.empty()).stream()
            .collect(java.util.stream.Collectors.groupingBy(dev.hourglass.action.Action::database));
  }

  /** "2 active · 1 paused · 1 failing", or "none". */
  private String actionSummary(RegisteredDatabase d) {
    var list = actionsByDatabase.getOrDefault(d.id(), List.of());
    if (list.isEmpty()) {
      return "none";
    }
    var counts =
        new java.util.EnumMap<dev.hourglass.action.Action.Status, Integer>(
            dev.hourglass.action.Action.Status.class);
    list.forEach(a -> counts.merge(a.status(), 1, Integer::sum));
    var parts = new java.util.ArrayList<String>();
    counts.forEach((status, n) -> parts.add(n + " " + status.label().toLowerCase(Locale.ROOT)));
    return String.join(" · ", parts);
  }

  private String nextRun(RegisteredDatabase d) {
    return actionsByDatabase.getOrDefault(d.id(), List.of()).stream()
        .map(dev.hourglass.action.Action::nextStart)
        .flatMap(java.util.Optional::stream)
        .min(java.util.Comparator.naturalOrder())
        .map(t -> Times.moment(t, zone, clock.instant()))
        .orElse("–");
  }

  private void show(List<RegisteredDatabase> list) {
    // The same data provider, refreshed: the grid keeps its scroll position and sort order.
    rows.getItems().clear();
    rows.getItems().addAll(list);
    rows.refreshAll();
    var tags = new TreeSet<String>(String.CASE_INSENSITIVE_ORDER);
    list.stream().map(RegisteredDatabase::environment).filter(e -> !e.isEmpty()).forEach(tags::add);
    var current = environment.getValue();
    var items = new java.util.ArrayList<String>();
    items.add(ANY);
    items.addAll(tags);
    environment.setItems(items);
    environment.setValue(current != null && items.contains(current) ? current : ANY);

    long reachable =
        list.stream().filter(d -> d.status().kind() == DatabaseStatus.Kind.REACHABLE).count();
    long down =
        list.stream().filter(d -> d.status().kind() == DatabaseStatus.Kind.UNREACHABLE).count();
    summary.setText(
        list.size()
            + (list.size() == 1 ? " database · " : " databases · ")
            + reachable
            + " reachable · "
            + down
            + " unreachable");
    empty.setVisible(list.isEmpty());
    empty.setText(
        mayManage
            ? "This team has no databases yet. Register one to watch it here."
            : "This team has no databases yet. An admin or owner can register them.");
    applyFilter();
  }

  private void applyFilter() {
    var text = search.getValue() == null ? "" : search.getValue().strip().toLowerCase(Locale.ROOT);
    var env = environment.getValue();
    var kind = status.getValue();
    rows.setFilter(
        d ->
            (text.isEmpty()
                    || d.name().toLowerCase(Locale.ROOT).contains(text)
                    || d.host().toLowerCase(Locale.ROOT).contains(text)
                    || d.database().toLowerCase(Locale.ROOT).contains(text))
                && (env == null || ANY.equals(env) || env.equalsIgnoreCase(d.environment()))
                && (kind == null || ANY.equals(kind) || kind.equals(d.status().kind().label())));
  }
}
