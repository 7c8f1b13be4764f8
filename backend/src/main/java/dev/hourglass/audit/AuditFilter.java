package dev.hourglass.audit;

import dev.hourglass.common.InvalidInputException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * What the viewer and the export show: every condition given must hold. Times are a half-open
 * range, {@code from} included, {@code to} excluded.
 *
 * @param actorSubject the person who made the change (their subject)
 * @param kinds the kinds of change; empty means all
 * @param object an object's id, or part of its name
 * @param text part of the name of who made it, the object, the operation, the address or a value
 */
public record AuditFilter(
    Optional<Instant> from,
    Optional<Instant> to,
    Optional<String> actorSubject,
    Set<AuditKind> kinds,
    Optional<String> object,
    Optional<String> text) {

  static final int MAX_TEXT = 200;

  public AuditFilter {
    from = from == null ? Optional.empty() : from;
    to = to == null ? Optional.empty() : to;
    actorSubject = blankToEmpty(actorSubject);
    kinds = kinds == null || kinds.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(kinds));
    object = blankToEmpty(object);
    text = blankToEmpty(text);
    if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
      throw new InvalidInputException(
          "to", "The end of the time range must be after its start. Pick a later end.");
    }
    if (object.map(String::length).orElse(0) > MAX_TEXT
        || text.map(String::length).orElse(0) > MAX_TEXT
        || actorSubject.map(String::length).orElse(0) > 255) {
      throw new InvalidInputException(
          "text", "A search text can be at most " + MAX_TEXT + " characters. Shorten it.");
    }
  }

  /** Everything, newest first. */
  public static AuditFilter all() {
    return new AuditFilter(
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Set.of(),
        Optional.empty(),
        Optional.empty());
  }

  public AuditFilter withText(String value) {
    return new AuditFilter(from, to, actorSubject, kinds, object, Optional.ofNullable(value));
  }

  public AuditFilter withKinds(Set<AuditKind> value) {
    return new AuditFilter(from, to, actorSubject, value, object, text);
  }

  public AuditFilter withActor(String subject) {
    return new AuditFilter(from, to, Optional.ofNullable(subject), kinds, object, text);
  }

  public AuditFilter withObject(String value) {
    return new AuditFilter(from, to, actorSubject, kinds, Optional.ofNullable(value), text);
  }

  public AuditFilter between(Instant start, Instant end) {
    return new AuditFilter(
        Optional.ofNullable(start), Optional.ofNullable(end), actorSubject, kinds, object, text);
  }

  private static Optional<String> blankToEmpty(Optional<String> s) {
    return s == null ? Optional.empty() : s.map(String::strip).filter(v -> !v.isEmpty());
  }
}
