package dev.hourglass.action;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hourglass.common.InvalidInputException;

/**
 * An action's config: a JSON document (or none), as TimescaleDB's {@code config jsonb}. Checked
 * here for well-formedness; what it must contain is for the action's check_config to say.
 */
public record ActionConfig(String json) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public ActionConfig {
    if (json != null && json.isBlank()) {
      json = null;
    }
    if (json != null) {
      try {
        json = JSON.writeValueAsString(JSON.readTree(json));
      } catch (JsonProcessingException e) {
        var where = e.getLocation();
        throw new InvalidInputException(
            "config",
            "The config is not valid JSON"
                + (where == null
                    ? ""
                    : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")")
                + ": "
                + e.getOriginalMessage()
                + ". Write a JSON object such as {\"drop_after\": \"30 days\"}, or leave it empty.");
      }
    }
  }

  public static ActionConfig none() {
    return new ActionConfig(null);
  }

  public boolean isEmpty() {
    return json == null;
  }
}
