package dev.hourglass.action;

import dev.hourglass.common.InvalidInputException;

/**
 * A schema-qualified function or procedure name, as PostgreSQL stores it (case kept). {@link
 * #sql()} quotes both parts, so any name is safe to put into a statement.
 */
public record RoutineName(String schema, String name) {
  public RoutineName {
    schema = requireIdentifier("schema", schema);
    name = requireIdentifier("name", name);
  }

  private static String requireIdentifier(String what, String value) {
    if (value == null || value.isEmpty()) {
      throw new InvalidInputException(
          "routine", "Choose a function or procedure (its " + what + " is empty).");
    }
    if (value.length() > 63 || value.indexOf('\0') >= 0) {
      throw new InvalidInputException(
          "routine", "'" + value + "' is not a PostgreSQL name (at most 63 characters).");
    }
    return value;
  }

  /** Parses {@code schema.name} or {@code name} (schema public), honouring double quotes. */
  public static RoutineName parse(String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidInputException(
          "routine", "Enter a function name, e.g. public.check_config.");
    }
    var parts = new java.util.ArrayList<String>();
    var current = new StringBuilder();
    boolean quoted = false;
    var t = text.strip();
    for (int i = 0; i < t.length(); i++) {
      char ch = t.charAt(i);
      if (ch == '"') {
        if (quoted && i + 1 < t.length() && t.charAt(i + 1) == '"') {
          current.append('"');
          i++;
        } else {
          quoted = !quoted;
        }
      } else if (ch == '.' && !quoted) {
        parts.add(current.toString());
        current.setLength(0);
      } else {
        current.append(quoted ? ch : Character.toLowerCase(ch));
      }
    }
    parts.add(current.toString());
    if (quoted || parts.size() > 2) {
      throw new InvalidInputException(
          "routine", "'" + text + "' is not a function name; use name or schema.name.");
    }
    return parts.size() == 1
        ? new RoutineName("public", parts.get(0))
        : new RoutineName(parts.get(0), parts.get(1));
  }

  /** Both parts in double quotes, for SQL text. */
  public String sql() {
    return quote(schema) + "." + quote(name);
  }

  private static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  @Override
  public String toString() {
    return schema + "." + name;
  }
}
