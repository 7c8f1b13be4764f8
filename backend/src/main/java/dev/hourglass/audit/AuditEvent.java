package dev.hourglass.audit;

import dev.hourglass.audit.internal.AuditJson;
import java.time.Instant;
import java.util.Optional;

/**
 * A recorded change, as the viewer and the export show it.
 *
 * @param before JSON object of the changed fields before, or empty
 * @param after JSON object of the changed fields after, or empty
 */
public record AuditEvent(
    long id,
    Instant at,
    String actorSubject,
    String actorName,
    String address,
    AuditKind kind,
    String operation,
    Optional<String> objectId,
    Optional<String> objectName,
    Optional<String> before,
    Optional<String> after) {

  /** The changed fields as "field: before → after" lines, for people. */
  public String changesText() {
    return AuditJson.describe(before.orElse(null), after.orElse(null));
  }
}
