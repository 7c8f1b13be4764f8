package dev.hourglass.alert;

import dev.hourglass.action.ActionId;
import dev.hourglass.database.DatabaseId;
import java.util.Optional;

/**
 * Where a rule applies: the team's default, one database (its actions and its reachability), or one
 * action. The most specific rule that exists applies, as a whole.
 */
public record AlertScope(Optional<DatabaseId> database, Optional<ActionId> action) {

  public AlertScope {
    if (database.isPresent() && action.isPresent()) {
      throw new IllegalArgumentException("A rule is for a database or for an action, not both");
    }
  }

  public static AlertScope teamDefault() {
    return new AlertScope(Optional.empty(), Optional.empty());
  }

  public static AlertScope of(DatabaseId database) {
    return new AlertScope(Optional.of(database), Optional.empty());
  }

  public static AlertScope of(ActionId action) {
    return new AlertScope(Optional.empty(), Optional.of(action));
  }

  public boolean isTeamDefault() {
    return database.isEmpty() && action.isEmpty();
  }
}
