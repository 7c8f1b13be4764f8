package dev.hourglass.ui.database;

import com.vaadin.flow.component.html.Div;
import dev.hourglass.database.ConnectionCheck;

/** A connection test's outcome on the fleet pages, shown as the probe wrote it. */
final class Feedback {

  private Feedback() {}

  /** Shows a connection test's outcome in {@code area}: what failed, or what was found. */
  static void check(Div area, ConnectionCheck check) {
    area.setVisible(true);
    area.removeAll();
    area.getElement()
        .setAttribute("data-outcome", check.ok() ? "OK" : check.problem().orElseThrow().name());
    area.getStyle()
        .set("padding", "var(--lumo-space-s) var(--lumo-space-m)")
        .set("border-radius", "var(--lumo-border-radius-m)")
        .set(
            "background",
            check.ok() ? "var(--lumo-success-color-10pct)" : "var(--lumo-error-color-10pct)")
        .set(
            "color",
            check.ok() ? "var(--lumo-success-text-color)" : "var(--lumo-error-text-color)");
    area.setText(check.message());
  }
}
