package dev.hourglass.alert;

import dev.hourglass.common.InvalidInputException;
import dev.hourglass.tenant.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * When to mail and whom.
 *
 * @param onFailure a mail for every failed run (failed, timed out or crashed)
 * @param consecutiveFailures a mail when this many failures in a row are reached; 0 is off
 * @param onDisable a mail when max_retries is reached and the action is disabled
 * @param onTimeout a mail when a run is stopped by max_runtime
 * @param onMissed mails when a run has not started {@code lateAfter} after it was due (Late), and
 *     again after {@code downAfter} (Down)
 * @param onUnreachable a mail when a database becomes unreachable
 * @param onRecovery a mail when something alerted is well again
 * @param quietPeriod no second mail of the same kind about the same action or database within it
 * @param digest collect mails into one per recipient and day, instead of one per event
 * @param roles members in these roles receive the mails
 * @param addresses and these addresses
 */
public record AlertRule(
    boolean onFailure,
    int consecutiveFailures,
    boolean onDisable,
    boolean onTimeout,
    boolean onMissed,
    Duration lateAfter,
    Duration downAfter,
    boolean onUnreachable,
    boolean onRecovery,
    Duration quietPeriod,
    boolean digest,
    Set<Role> roles,
    List<String> addresses) {

  /** The rule of a team that has set none: owners and admins, for what usually needs a person. */
  public static final AlertRule BUILT_IN =
      new AlertRule(
          false,
          3,
          true,
          true,
          true,
          Duration.ofMinutes(5),
          Duration.ofHours(1),
          true,
          true,
          Duration.ofHours(1),
          false,
          EnumSet.of(Role.OWNER, Role.ADMIN),
          List.of());

  public AlertRule {
    if (consecutiveFailures != 0 && (consecutiveFailures < 2 || consecutiveFailures > 1000)) {
      throw new InvalidInputException(
          "consecutiveFailures",
          "Failures in a row must be from 2 to 1000 ("
              + consecutiveFailures
              + " given); for every"
              + " single failure, use 'on every failure' instead.");
    }
    if (lateAfter == null
        || lateAfter.isNegative()
        || lateAfter.compareTo(Duration.ofDays(7)) > 0) {
      throw new InvalidInputException(
          "lateAfter", "The grace period before 'late' must be from 0 minutes to 7 days.");
    }
    if (downAfter == null
        || downAfter.compareTo(lateAfter) <= 0
        || downAfter.compareTo(Duration.ofMinutes(1)) < 0
        || downAfter.compareTo(Duration.ofDays(30)) > 0) {
      throw new InvalidInputException(
          "downAfter",
          "'Down' must come after 'late' (more than "
              + lateAfter.toMinutes()
              + " minutes), at least 1 minute and at most 30 days after the run was due.");
    }
    if (quietPeriod == null
        || quietPeriod.isNegative()
        || quietPeriod.compareTo(Duration.ofDays(7)) > 0) {
      throw new InvalidInputException(
          "quietPeriod", "The quiet period must be from 0 minutes to 7 days.");
    }
    roles = roles == null || roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
    var clean = new LinkedHashSet<String>();
    for (var a : addresses == null ? List.<String>of() : addresses) {
      if (a == null || a.isBlank()) {
        continue;
      }
      var v = a.strip();
      if (v.length() > 254 || !v.matches("[^@\\s,;<>]+@[^@\\s,;<>]+\\.[^@\\s,;<>]+")) {
        throw new InvalidInputException(
            "addresses",
            "'" + v + "' is not a mail address; put one address per line, like name@example.com.");
      }
      clean.add(v.toLowerCase(Locale.ROOT));
    }
    if (clean.size() > 50) {
      throw new InvalidInputException("addresses", "At most 50 addresses; use a mailing list.");
    }
    addresses = List.copyOf(new ArrayList<>(clean));
    if (roles.isEmpty() && addresses.isEmpty()) {
      throw new InvalidInputException(
          "recipients", "Nobody would receive these alerts: choose a role or enter an address.");
    }
  }

  /** Whether any rule would fire on a run outcome. */
  public boolean watchesRuns() {
    return onFailure || consecutiveFailures > 0 || onDisable || onTimeout;
  }
}
