package dev.hourglass.ui.security;

import dev.hourglass.platform.Settings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/**
 * The values the OpenID Connect mechanism reads through EL, taken from the validated settings so
 * the annotation carries no literal URLs or secrets.
 */
@Named("hourglassOidc")
@ApplicationScoped
public class OidcSettings {

  private Settings settings;

  /** For CDI's client proxy only. */
  protected OidcSettings() {}

  @Inject
  public OidcSettings(Settings settings) {
    this.settings = settings;
  }

  public String getProviderUri() {
    return settings.oidc().providerUri().toString();
  }

  public String getClientId() {
    return settings.oidc().clientId();
  }

  public String getClientSecret() {
    return settings.oidc().clientSecret();
  }

  public String getRedirectUri() {
    return settings.baseUrl() + CallbackServlet.PATH;
  }

  public String getSignedOutUri() {
    return settings.baseUrl() + SignedOutServlet.PATH;
  }
}
