package dev.hourglass.timescale;

import java.util.Optional;

/**
 * A template as offered for one database.
 *
 * @param missing what the database lacks for it, in a sentence saying what to do; empty when it can
 *     be installed
 */
public record TemplateOffer(Template template, Optional<String> missing) {
  public boolean available() {
    return missing.isEmpty();
  }
}
