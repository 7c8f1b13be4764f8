package dev.hourglass.ui.action;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.router.RouterLink;
import dev.hourglass.dispatch.ActionRun;
import dev.hourglass.ui.shell.Times;
import java.time.ZoneId;

/** How one run reads wherever it is shown: in a history row's details and on its own page. */
final class RunDetails {

  private RunDetails() {}

  /** When it ran, the error, the notices and the config it was given. */
  static Component of(ActionRun run, ZoneId zone) {
    var times = new FormLayout();
    times.addFormItem(
        new Span(
            "run "
                + run.id()
                + " of job "
                + run.jobId()
                + ", attempt "
                + run.attempt()
                + ", on node "
                + run.node()),
        "Run");
    times.addFormItem(new Span(Times.exact(run.scheduledFor(), zone)), "Scheduled for");
    times.addFormItem(
        new Span(run.startedAt().map(t -> Times.exact(t, zone)).orElse("not recorded")), "Started");
    times.addFormItem(
        new Span(run.finishedAt().map(t -> Times.exact(t, zone)).orElse("not yet")), "Finished");
    times.addFormItem(new Span(run.startLag().map(Times::took).orElse("–")), "Start lag");
    times.addFormItem(new Span(run.duration().map(Times::took).orElse("–")), "Duration");
    var box = new Div(times);
    box.setId("run-details-" + run.id());
    box.getStyle().set("padding", "var(--lumo-space-s) var(--lumo-space-m)");
    run.message()
        .ifPresent(
            m -> {
              var error =
                  new Pre(
                      RunTexts.error(
                          run.sqlState().orElse(""),
                          m,
                          run.detail().orElse(""),
                          run.hint().orElse("")));
              error.addClassName("run-details-error");
              if (run.status().failed()) {
                error.getStyle().set("color", "var(--lumo-error-text-color)");
              }
              box.add(error);
            });
    box.add(
        caption("Notices"),
        pre(run.notices().isEmpty() ? "(no notices)" : RunTexts.lines(run.notices())),
        caption("Config"),
        pre(run.config() == null ? "{}" : run.config()));
    return box;
  }

  /** A link to the run's own page, which can be bookmarked and mailed. */
  static RouterLink link(ActionRun run) {
    var link = new RouterLink("#" + run.id(), RunView.class, run.id());
    link.getElement().setAttribute("data-run-link", Long.toString(run.id()));
    return link;
  }

  /** "HG001: partner feed is down" for a run that did not succeed; empty otherwise. */
  static String errorLine(ActionRun run) {
    if (!run.status().failed()) {
      return "";
    }
    return run.sqlState().map(s -> s + ": ").orElse("") + run.message().orElse("");
  }

  static Span caption(String text) {
    var caption = new Span(text);
    caption
        .getStyle()
        .set("font-size", "var(--lumo-font-size-s)")
        .set("color", "var(--lumo-secondary-text-color)");
    return caption;
  }

  private static Pre pre(String text) {
    var pre = new Pre(text);
    pre.getStyle().set("margin", "0 0 var(--lumo-space-s) 0").set("white-space", "pre-wrap");
    return pre;
  }
}
