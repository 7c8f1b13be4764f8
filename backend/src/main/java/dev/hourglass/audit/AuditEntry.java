package dev.hourglass.audit;

import dev.hourglass.audit.internal.AuditJson;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.TenantId;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One change to record. Build it with {@link #of}, name the object, give the fields before and
 * after; only the fields that differ are kept, and secrets are masked here, before anything is
 * stored or could be logged.
 *
 * <pre>{@code
 * Audit.record(c, AuditEntry.of(caller, tenant, clock.instant(), AuditKind.ACTION, "alter")
 *     .object(id.toString(), name)
 *     .changes(Map.of("job_name", "old"), Map.of("job_name", "new")));
 * }</pre>
 *
 * @param before JSON object of the changed fields as they were (masked), or null
 * @param after JSON object of the changed fields as they are now (masked), or null
 */
public record AuditEntry(
    Caller actor,
    TenantId tenant,
    Instant at,
    AuditKind kind,
    String operation,
    String objectId,
    String objectName,
    String before,
    String after) {

  private static final Pattern OPERATION = Pattern.compile("[a-z_]{1,40}");

  public AuditEntry {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(kind, "kind");
    if (operation == null || !OPERATION.matcher(operation).matches()) {
      throw new IllegalArgumentException("An audit operation is a lower-case word: " + operation);
    }
    objectId = clip(objectId);
    objectName = clip(objectName);
  }

  /** A change by {@code actor} in {@code tenant} at {@code at}, with no object or fields yet. */
  public static AuditEntry of(
      Caller actor, TenantId tenant, Instant at, AuditKind kind, String operation) {
    return new AuditEntry(actor, tenant, at, kind, operation, null, null, null, null);
  }

  /** The object changed: its id and its name at the time (names change, ids do not). */
  public AuditEntry object(String id, String name) {
    return new AuditEntry(actor, tenant, at, kind, operation, id, name, before, after);
  }

  /**
   * The object's fields before and after the change (either may be empty: a creation has no
   * before). Values may be strings, numbers, booleans, null, lists, maps or JSON text parsed by the
   * caller. Fields whose values are equal are dropped; fields whose name says secret (password,
   * token, secret, credential, key) are masked, as are passwords inside URLs.
   */
  public AuditEntry changes(Map<String, ?> before, Map<String, ?> after) {
    var diff = AuditJson.diff(before, after);
    return new AuditEntry(
        actor, tenant, at, kind, operation, objectId, objectName, diff.before(), diff.after());
  }

  private static String clip(String s) {
    if (s == null) {
      return null;
    }
    return s.length() <= 255 ? s : s.substring(0, 254) + "…";
  }
}
