package dev.hourglass.ui.security;

import jakarta.annotation.security.DeclareRoles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.authentication.mechanism.http.OpenIdAuthenticationMechanismDefinition;
import jakarta.security.enterprise.authentication.mechanism.http.openid.ClaimsDefinition;
import jakarta.security.enterprise.authentication.mechanism.http.openid.LogoutDefinition;

/**
 * Sign-in through Keycloak with the OpenID Connect authorization-code flow (Jakarta Security 3.0).
 *
 * <p>{@code redirectToOriginalResource} stays false: with Vaadin it fails in Payara's request
 * delegator, so {@link CallbackServlet} sends people to the app root instead. Access tokens are
 * refreshed while Keycloak's session lives; once it has ended (idle, or signed out elsewhere) the
 * refresh fails and the person signs in again. See docs/decisions/0003-20261126-oidc-wiring.md.
 */
@OpenIdAuthenticationMechanismDefinition(
    providerURI = "${hourglassOidc.providerUri}",
    clientId = "${hourglassOidc.clientId}",
    clientSecret = "${hourglassOidc.clientSecret}",
    redirectURI = "${hourglassOidc.redirectUri}",
    redirectToOriginalResource = false,
    scope = {"openid", "email", "profile"},
    claimsDefinition =
        @ClaimsDefinition(callerNameClaim = "preferred_username", callerGroupsClaim = "groups"),
    tokenAutoRefresh = true,
    logout = @LogoutDefinition(accessTokenExpiry = true))
@DeclareRoles({"hourglass-user", "hourglass-operator"})
@ApplicationScoped
public class SecurityConfiguration {}
