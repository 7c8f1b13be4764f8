package dev.hourglass.alert;

import java.time.ZoneId;
import java.util.List;

/**
 * A team's alert settings as the rule page shows them.
 *
 * @param timeZone the team's time zone, in which mails give times
 * @param teamDefault the team's default rule
 * @param builtIn true while the team has not saved a default of its own
 * @param overrides rules for single databases and actions
 */
public record AlertRules(
    ZoneId timeZone, AlertRule teamDefault, boolean builtIn, List<Override> overrides) {

  public AlertRules {
    overrides = List.copyOf(overrides);
  }

  /** A rule for one database or action, with its name for the page. */
  public record Override(AlertScope scope, String label, AlertRule rule) {}
}
