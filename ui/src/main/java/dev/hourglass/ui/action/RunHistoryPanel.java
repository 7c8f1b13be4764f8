package dev.hourglass.ui.action;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.data.provider.ListDataProvider;
import com.vaadin.flow.data.renderer.ComponentRenderer;
import com.vaadin.flow.data.renderer.LitRenderer;
import dev.hourglass.dispatch.ActionRun;
import dev.hourglass.dispatch.ActionStats;
import dev.hourglass.dispatch.RunStatus;
import dev.hourglass.ui.shell.RunBadge;
import dev.hourglass.ui.shell.Times;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An action's run statistics (TimescaleDB's job_stats) and its latest runs, each opening to its
 * messages, notices and config. Shows what it is given: {@link ActionView} loads and refreshes it.
 */
final class RunHistoryPanel extends VerticalLayout {
  private static final long serialVersionUID = 1L;

  /** How many runs the page shows at most, newest first. */
  static final int LIMIT = 100;

  private static final String NONE = "–";

  private final Span runningNow = new Span("Running now");
  private final FlexLayout summary = new FlexLayout();
  private final Paragraph note = new Paragraph();
  private final Grid<ActionRun> grid = new Grid<>();

  /** Rows keep their identity (the run's id) across refreshes, so open details stay open. */
  private final ListDataProvider<ActionRun> rows =
      new ListDataProvider<>(new ArrayList<>()) {
        private static final long serialVersionUID = 1L;

        @Override
        public Object getId(ActionRun run) {
          return run.id();
        }
      };

  private ZoneId zone = ZoneOffset.UTC;
  private Instant now = Instant.EPOCH;
  private transient ActionStats stats;
  private transient List<ActionRun> runs = List.of();

  RunHistoryPanel() {
    setPadding(false);
    setId("run-history");
    var title = new H3("Run history");
    runningNow.getElement().setAttribute("theme", "badge");
    runningNow.setId("stats-running");
    runningNow.setVisible(false);
    var heading = new HorizontalLayout(title, runningNow);
    heading.setAlignItems(FlexComponent.Alignment.BASELINE);

    summary.setId("run-stats");
    summary.setFlexWrap(FlexLayout.FlexWrap.WRAP);
    summary.getStyle().set("gap", "var(--lumo-space-s)");
    note.setId("runs-note");
    note.getStyle().set("color", "var(--lumo-secondary-text-color)").set("margin", "0");

    grid.setId("action-runs");
    grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
    grid.setSelectionMode(Grid.SelectionMode.NONE);
    grid.addComponentColumn(this::statusOf).setHeader("Status").setWidth("8.5rem").setFlexGrow(0);
    grid.addComponentColumn(r -> RunDetails.link(r))
        .setHeader("Run")
        .setAutoWidth(true)
        .setFlexGrow(0);
    grid.addColumn(r -> Times.moment(r.scheduledFor(), zone, now))
        .setHeader("Scheduled for")
        .setAutoWidth(true)
        .setFlexGrow(0);
    grid.addColumn(
            LitRenderer.<ActionRun>of("<span data-lag>${item.lag}</span>")
                .withProperty("lag", r -> r.startLag().map(Times::took).orElse(NONE)))
        .setHeader("Start lag")
        .setAutoWidth(true)
        .setFlexGrow(0);
    grid.addColumn(r -> r.duration().map(Times::took).orElse(NONE))
        .setHeader("Duration")
        .setAutoWidth(true)
        .setFlexGrow(0);
    grid.addColumn(ActionRun::attempt).setHeader("Attempt").setAutoWidth(true).setFlexGrow(0);
    grid.addColumn(ActionRun::node).setHeader("Node").setAutoWidth(true).setFlexGrow(0);
    grid.addColumn(
            LitRenderer.<ActionRun>of("<span data-error title=${item.error}>${item.error}</span>")
                .withProperty("error", RunHistoryPanel::errorOf))
        .setHeader("Error")
        .setFlexGrow(1);
    grid.setItemDetailsRenderer(new ComponentRenderer<>(r -> RunDetails.of(r, zone)));
    grid.setDetailsVisibleOnClick(true);
    grid.setItems(rows);
    grid.setWidthFull();
    grid.setHeight("24rem");

    add(heading, summary, note, grid);
  }

  /** Shows times in the viewer's zone from now on. */
  void setZone(ZoneId zone) {
    this.zone = zone;
    if (stats != null) {
      show(stats, runs, now);
    }
  }

  /**
   * Whether what the page shows changes as time passes: a claimed run starts when its slot comes.
   */
  boolean changesWithTime() {
    return runs != null && runs.stream().anyMatch(r -> r.status() == RunStatus.CLAIMED);
  }

  void show(ActionStats stats, List<ActionRun> runs, Instant now) {
    this.stats = stats;
    this.runs = runs;
    this.now = now;
    runningNow.setVisible(
        runs.stream()
            .anyMatch(r -> r.status() == RunStatus.CLAIMED && !r.scheduledFor().isAfter(now)));
    showSummary(stats);
    showNote(runs);
    rows.getItems().clear();
    rows.getItems().addAll(runs);
    rows.refreshAll();
  }

  private void showSummary(ActionStats s) {
    summary.removeAll();
    summary.add(
        tile("stats-total", "Total runs", count(s.totalRuns(), false)),
        tile("stats-succeeded", "Succeeded", count(s.totalSuccesses(), false)),
        tile("stats-failed", "Failed", count(s.totalFailures(), true)),
        tile("stats-crashed", "Crashed", count(s.totalCrashes(), true)),
        tile("stats-failures-in-a-row", "Failures in a row", count(s.consecutiveFailures(), true)),
        tile("stats-crashes-in-a-row", "Crashes in a row", count(s.consecutiveCrashes(), true)),
        tile(
            "stats-last-status",
            "Last status",
            s.lastRunStatus().<Component>map(RunBadge::of).orElseGet(() -> new Span("never run"))),
        tile("stats-last-start", "Last run started", new Span(when(s.lastRunStartedAt()))),
        tile(
            "stats-last-duration",
            "Last duration",
            new Span(s.lastRunDuration().map(Times::took).orElse(NONE))),
        tile(
            "stats-last-success",
            "Last successful finish",
            new Span(when(s.lastSuccessfulFinish()))),
        tile("stats-next-start", "Next start", new Span(when(s.nextStart()))));
  }

  private void showNote(List<ActionRun> list) {
    long finished = list.stream().filter(r -> r.status() != RunStatus.CLAIMED).count();
    note.getElement().setAttribute("data-shown", Integer.toString(list.size()));
    note.getElement().setAttribute("data-finished", Long.toString(finished));
    if (list.isEmpty()) {
      note.setText("No runs yet. They appear here as they happen.");
      return;
    }
    var counts = new LinkedHashMap<String, Integer>();
    list.forEach(
        r -> counts.merge(RunBadge.label(r, now).toLowerCase(Locale.ROOT), 1, Integer::sum));
    var parts = new ArrayList<String>();
    counts.forEach((label, n) -> parts.add(n + " " + label));
    note.setText(
        "The latest "
            + LIMIT
            + " runs at most, newest first. Shown: "
            + list.size()
            + " ("
            + String.join(", ", parts)
            + "). Click a run to see its messages, notices and config.");
  }

  static Component tile(String id, String label, Component value) {
    value.setId(id);
    var box = new Div(caption(label), new Div(value));
    box.getStyle()
        .set("padding", "var(--lumo-space-s) var(--lumo-space-m)")
        .set("border-radius", "var(--lumo-border-radius-m)")
        .set("background", "var(--lumo-contrast-5pct)")
        .set("min-width", "8rem");
    return box;
  }

  private static Span caption(String text) {
    return RunDetails.caption(text);
  }

  /** A count, in red when {@code alarming} and above zero. */
  static Span count(long n, boolean alarming) {
    var value = new Span(Long.toString(n));
    value.getStyle().set("font-size", "var(--lumo-font-size-l)").set("font-weight", "600");
    if (alarming && n > 0) {
      value.getStyle().set("color", "var(--lumo-error-text-color)");
    }
    return value;
  }

  private String when(Optional<Instant> at) {
    return at.map(t -> Times.moment(t, zone, now)).orElse(NONE);
  }

  private Span statusOf(ActionRun run) {
    var badge = RunBadge.of(run, now);
    badge.getElement().setAttribute("data-run-id", Long.toString(run.id()));
    return badge;
  }

  private static String errorOf(ActionRun run) {
    return RunDetails.errorLine(run);
  }
}
