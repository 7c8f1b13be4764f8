package dev.hourglass.audit.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.hourglass.audit.AuditFields;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Before/after as JSON of the fields that changed, with secrets masked. Masking happens here, on
 * the way in, so no secret reaches the table, a log line or an exception message.
 */
public final class AuditJson {

  /** Shown in place of a secret that did not change, or of one that was removed. */
  public static final String MASKED = "[secret]";

  /** Shown in place of a secret that was set or changed. */
  public static final String MASKED_CHANGED = "[secret, changed]";

  private static final ObjectMapper JSON = new ObjectMapper();

  // Field names that hold secrets, in any case and with any separator: password, db_passwd,
  // apiToken, client-secret, credentials, api_key, private_key, ...
  private static final Pattern SECRET_NAME =
      Pattern.compile(
          "(?i).*(passw|pwd|secret|token|credential|api[_-]?key|private[_-]?key|access[_-]?key"
              + "|sealed).*");

  // user:password@ inside URLs and connection strings.
  private static final Pattern URL_PASSWORD = Pattern.compile("(://[^:/@\\s]+:)[^@\\s]+@");

  private AuditJson() {}

  /** The changed fields, each side a JSON object or null when it has none. */
  public record Diff(String before, String after) {}

  public static Diff diff(Map<String, ?> before, Map<String, ?> after) {
    var b = tree(before);
    var a = tree(after);
    var keys = new LinkedHashSet<String>();
    b.fieldNames().forEachRemaining(keys::add);
    a.fieldNames().forEachRemaining(keys::add);
    var outBefore = JsonNodeFactory.instance.objectNode();
    var outAfter = JsonNodeFactory.instance.objectNode();
    for (var key : keys) {
      var bv = b.get(key);
      var av = a.get(key);
      if (bv != null && bv.equals(av)) {
        continue;
      }
      if (isSecretName(key)) {
        if (bv != null) {
          outBefore.put(key, MASKED);
        }
        if (av != null) {
          outAfter.put(key, av.isNull() ? MASKED : MASKED_CHANGED);
        }
        continue;
      }
      if (bv != null) {
        outBefore.set(key, mask(bv));
      }
      if (av != null) {
        outAfter.set(key, mask(av));
      }
    }
    return new Diff(text(outBefore), text(outAfter));
  }

  static boolean isSecretName(String name) {
    return SECRET_NAME.matcher(name).matches();
  }

  /** A copy of {@code node} with secret-named fields and URL passwords masked, at any depth. */
  static JsonNode mask(JsonNode node) {
    if (node instanceof ObjectNode o) {
      var copy = JsonNodeFactory.instance.objectNode();
      o.fields()
          .forEachRemaining(
              e ->
                  copy.set(
                      e.getKey(),
                      isSecretName(e.getKey()) ? TextNode.valueOf(MASKED) : mask(e.getValue())));
      return copy;
    }
    if (node instanceof ArrayNode a) {
      var copy = JsonNodeFactory.instance.arrayNode();
      a.forEach(v -> copy.add(mask(v)));
      return copy;
    }
    if (node.isTextual()) {
      var s = node.textValue();
      var masked = URL_PASSWORD.matcher(s).replaceAll("$1" + MASKED + "@");
      return masked.equals(s) ? node : TextNode.valueOf(masked);
    }
    return node;
  }

  /**
   * "field: before → after" lines for people; a field only before was removed, one only after was
   * set.
   */
  public static String describe(String before, String after) {
    var b = parse(before);
    var a = parse(after);
    var keys = new LinkedHashSet<String>();
    b.fieldNames().forEachRemaining(keys::add);
    a.fieldNames().forEachRemaining(keys::add);
    var out = new StringBuilder();
    for (var key : keys) {
      if (!out.isEmpty()) {
        out.append('\n');
      }
      out.append(key).append(": ");
      var bv = b.get(key);
      var av = a.get(key);
      if (bv != null && av != null) {
        out.append(show(bv)).append(" → ").append(show(av));
      } else if (av != null) {
        out.append(show(av));
      } else {
        out.append(show(bv)).append(" → (removed)");
      }
    }
    return out.toString();
  }

  private static String show(JsonNode v) {
    return v.isTextual() ? v.textValue() : v.toString();
  }

  private static ObjectNode tree(Map<String, ?> fields) {
    var out = JsonNodeFactory.instance.objectNode();
    if (fields == null) {
      return out;
    }
    // Sorted, so the stored JSON does not depend on the map's order.
    new TreeMap<String, Object>(fields).forEach((k, v) -> out.set(k, value(v)));
    return out;
  }

  private static JsonNode value(Object v) {
    if (v instanceof java.util.Optional<?> o) {
      return value(o.orElse(null));
    }
    if (v == null) {
      return JsonNodeFactory.instance.nullNode();
    }
    if (v instanceof AuditFields.Json j) {
      return parseValue(j.text());
    }
    if (v instanceof JsonNode n) {
      return n;
    }
    if (v instanceof String || v instanceof Number || v instanceof Boolean) {
      return JSON.valueToTree(v);
    }
    if (v instanceof Map<?, ?> m) {
      var out = JsonNodeFactory.instance.objectNode();
      m.forEach((k, x) -> out.set(String.valueOf(k), value(x)));
      return out;
    }
    if (v instanceof java.util.Collection<?> c) {
      var out = JsonNodeFactory.instance.arrayNode();
      c.forEach(x -> out.add(value(x)));
      return out;
    }
    return TextNode.valueOf(v.toString());
  }

  private static ObjectNode parse(String json) {
    if (json == null || json.isBlank()) {
      return JsonNodeFactory.instance.objectNode();
    }
    try {
      var node = JSON.readTree(json);
      return node instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("An audit row holds no JSON object", e);
    }
  }

  private static String text(ObjectNode node) {
    return node.isEmpty() ? null : node.toString();
  }

  /** Parses JSON text (an action's config) into a tree the diff compares by value. */
  static JsonNode parseValue(String json) {
    try {
      return json == null ? JsonNodeFactory.instance.nullNode() : JSON.readTree(json);
    } catch (JsonProcessingException e) {
      return TextNode.valueOf(json);
    }
  }
}
