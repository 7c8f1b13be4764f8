package dev.hourglass.security;

import dev.hourglass.platform.ConfigurationException;
import dev.hourglass.platform.Settings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

/**
 * Builds the app's {@link SecretBox} from HOURGLASS_SECRETS_KEYS and HOURGLASS_SECRETS_ACTIVE_KEY
 * once, at deployment, so a malformed key stops the start instead of the first save.
 */
@ApplicationScoped
public class SealingKeys {

  private Settings settings;
  private SecretBox box;

  /** For CDI's client proxy only. */
  protected SealingKeys() {}

  @Inject
  public SealingKeys(Settings settings) {
    this.settings = settings;
  }

  void check(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
    secretBox();
  }

  /** The box; a final class, so it is produced per injection point from the one instance. */
  @Produces
  public synchronized SecretBox secretBox() {
    if (box == null) {
      box = fromSettings(settings.secrets());
    }
    return box;
  }

  /** Reads the settings' keys, naming the setting when they are unusable (never the key). */
  public static SecretBox fromSettings(Settings.Secrets secrets) {
    try {
      return new SecretBox(SecretBox.parseKeys(secrets.keys()), secrets.activeKey());
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(
          "hourglass.secrets.keys",
          "is unusable: " + e.getMessage(),
          "list keys as id:base64 of 32 random bytes (openssl rand -base64 32) and name one of"
              + " them in HOURGLASS_SECRETS_ACTIVE_KEY");
    }
  }
}
