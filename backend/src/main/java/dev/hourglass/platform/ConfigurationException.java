package dev.hourglass.platform;

/** A setting is missing or invalid; the message names it, its variable, and what to do. */
public final class ConfigurationException extends StartupException {
  private static final long serialVersionUID = 1L;
  private final String key;

  public ConfigurationException(String key, String problem, String remedy) {
    super(
        "Setting "
            + key
            + " (environment variable "
            + Settings.environmentVariable(key)
            + ") "
            + problem
            + ": "
            + remedy
            + ".");
    this.key = key;
  }

  /** The MicroProfile Config key of the offending setting. */
  public String key() {
    return key;
  }
}
