package dev.hourglass.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * The realm in {@code infra/keycloak/hourglass-realm.json}: names the app and tests rely on, and
 * the environment variables Keycloak substitutes into it on import. See infra/keycloak/README.md.
 */
public final class HourglassRealm {

  public static final String NAME = "hourglass";
  public static final String CLIENT_ID = "hourglass";
  public static final String USER_ROLE = "hourglass-user";
  public static final String OPERATOR_ROLE = "hourglass-operator";
  public static final String DEMO_USER = "demo";
  public static final String NEWCOMER_USER = "newcomer";
  public static final String OPERATOR_USER = "operator";

  /** Origin of the app without trailing slash, e.g. http://127.0.0.1:8080. */
  public static final String APP_URL_VARIABLE = "HOURGLASS_APP_URL";

  public static final String CLIENT_SECRET_VARIABLE = "HOURGLASS_OIDC_CLIENT_SECRET";

  /** Password of all three users. */
  public static final String DEMO_PASSWORD_VARIABLE = "HOURGLASS_DEMO_PASSWORD";

  private static final String RESOURCE = "/keycloak/hourglass-realm.json";

  private HourglassRealm() {}

  /** The realm's URL (the OpenID Connect issuer) on the Keycloak at {@code keycloakBaseUrl}. */
  public static String url(String keycloakBaseUrl) {
    return keycloakBaseUrl + "/realms/" + NAME;
  }

  /** The environment {@link KeycloakServer.Options#env()} needs for this realm. */
  public static Map<String, String> placeholders(
      String appUrl, String clientSecret, String demoPassword) {
    String origin = appUrl.endsWith("/") ? appUrl.substring(0, appUrl.length() - 1) : appUrl;
    return Map.of(
        APP_URL_VARIABLE, origin,
        CLIENT_SECRET_VARIABLE, clientSecret,
        DEMO_PASSWORD_VARIABLE, demoPassword);
  }

  /** Copies the realm file from the classpath to {@code file} and returns {@code file}. */
  public static Path writeTo(Path file) {
    try (InputStream in = HourglassRealm.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath: build infra");
      }
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write the realm file to " + file, e);
    }
  }
}
