package dev.hourglass.ui.security;

import dev.hourglass.security.Caller;
import jakarta.security.enterprise.identitystore.openid.OpenIdContext;

/**
 * The {@link Caller} from the OpenID Connect claims Keycloak signed, calling from {@code address}.
 *
 * <p>The address is the socket's peer as the servlet container reports it. X-Forwarded-For is not
 * read: without a setting naming the proxies to trust, any browser could write it. Behind the
 * production proxy this is the proxy's address; see docs/decisions/0014-20261126-change-audit.md.
 */
public final class SignedInCaller {

  private SignedInCaller() {}

  public static Caller of(OpenIdContext openId, String address) {
    var claims = openId.getClaims();
    return new Caller(
        openId.getSubject(),
        claims.getPreferredUsername().orElse(null),
        claims.getName().orElse(null),
        claims.getEmail().orElse(null),
        address);
  }
}
