package dev.hourglass.audit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the field maps of {@link AuditEntry#changes}: {@code AuditFields.of("name", name, "port",
 * port)}. Values may be null; an {@code Optional} is unwrapped; times, durations, ids and enums are
 * shown as their text; {@link #json} keeps JSON text (an action's config) as a tree, so secrets
 * inside it are masked too.
 */
public final class AuditFields {

  /** JSON text to compare and show as JSON, not as a string. */
  public record Json(String text) {}

  private AuditFields() {}

  public static Map<String, Object> of(Object... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("Audit fields come in name, value pairs");
    }
    var out = new LinkedHashMap<String, Object>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      out.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return out;
  }

  public static Json json(String text) {
    return new Json(text);
  }
}
