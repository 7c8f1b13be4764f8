package dev.hourglass.timescale;

import dev.hourglass.common.InvalidInputException;
import dev.hourglass.schedule.Interval;
import java.util.Map;
import java.util.Objects;

/**
 * What the template form sends.
 *
 * @param schema where the procedure and its check function are created
 * @param jobName the action's name; empty for the template's title
 * @param scheduleInterval how often the action runs (a fixed schedule from now)
 * @param values the config form's entries by {@link TemplateField#key()}; blank means absent
 */
public record TemplateInstall(
    Template template,
    String schema,
    String jobName,
    Interval scheduleInterval,
    Map<String, String> values) {

  public TemplateInstall {
    Objects.requireNonNull(template, "template");
    Objects.requireNonNull(scheduleInterval, "scheduleInterval");
    schema = schema == null || schema.isBlank() ? "public" : schema.strip();
    if (schema.length() > 63 || schema.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidInputException("schema", "'" + schema + "' is not a schema name.");
    }
    jobName = jobName == null || jobName.isBlank() ? template.title() : jobName.strip();
    values = values == null ? Map.of() : Map.copyOf(values);
  }
}
