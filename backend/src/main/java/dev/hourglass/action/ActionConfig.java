package dev.hourglass.action;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hourglass.common.InvalidInputException;

/**
 * An action's config: a JSON document (or none), as TimescaleDB's {@code config jsonb}. Checked
 * here for well-formedness; what it must contain is for the action's check_config to say.
 */
public record ActionConfig(String json) {
  // Exact decimals and no trailing text: the config is stored as the person wrote it, not rounded
  // through double, and "{} junk" is refused rather than cut.
  private static final ObjectMapper JSON =
      com.fasterxml.jackson.databind.json.JsonMapper.builder()
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .nodeFactory(
              com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true))
          .build();

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
