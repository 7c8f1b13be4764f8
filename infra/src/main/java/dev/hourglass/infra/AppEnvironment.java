package dev.hourglass.infra;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment variables that configure the app (read through MicroProfile Config) when it runs
 * beside the local stack's services: one place for the launcher and the browser tests.
 */
public final class AppEnvironment {

  private AppEnvironment() {}

  /**
   * @param appUrl the app's own base URL, http://127.0.0.1:port
   * @param keycloakBaseUrl Keycloak's base URL; the realm URL is derived from it
   * @param appUser the role requests run as (row-level security applies to it)
   * @param sealingKey {@code id:base64key}, the key that seals stored database passwords
   * @return a mutable map, so callers can add or remove settings
   */
  public static Map<String, String> of(
      String databaseUrl,
      String databaseUser,
      String databasePassword,
      String appUser,
      String appPassword,
      String appUrl,
      String keycloakBaseUrl,
      String clientSecret,
      int smtpPort,
      String sealingKey) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HOURGLASS_DB_URL", databaseUrl);
    env.put("HOURGLASS_DB_USER", databaseUser);
    env.put("HOURGLASS_DB_PASSWORD", databasePassword);
    env.put("HOURGLASS_DB_APP_USER", appUser);
    env.put("HOURGLASS_DB_APP_PASSWORD", appPassword);
    env.put("HOURGLASS_SECRETS_KEYS", sealingKey);
    env.put("HOURGLASS_SECRETS_ACTIVE_KEY", sealingKey.substring(0, sealingKey.indexOf(':')));
    env.put("HOURGLASS_BASE_URL", appUrl);
    env.put("HOURGLASS_OIDC_PROVIDER_URI", HourglassRealm.url(keycloakBaseUrl));
    env.put("HOURGLASS_OIDC_CLIENT_ID", HourglassRealm.CLIENT_ID);
    env.put("HOURGLASS_OIDC_CLIENT_SECRET", clientSecret);
    env.put("HOURGLASS_MAIL_HOST", "127.0.0.1");
    env.put("HOURGLASS_MAIL_PORT", Integer.toString(smtpPort));
    env.put("HOURGLASS_MAIL_FROM", "hourglass@hourglass.local");
    env.put("HOURGLASS_DEMO_DATA", "true");
    return env;
  }
}
