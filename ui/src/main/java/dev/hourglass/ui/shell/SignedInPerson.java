package dev.hourglass.ui.shell;

import com.vaadin.cdi.annotation.VaadinSessionScoped;
import com.vaadin.flow.server.VaadinRequest;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.Membership;
import dev.hourglass.tenant.TenantService;
import dev.hourglass.ui.security.ClientAddress;
import dev.hourglass.ui.security.SignedInCaller;
import jakarta.inject.Inject;
import jakarta.security.enterprise.identitystore.openid.OpenIdContext;
import java.io.Serializable;
import java.util.List;
import java.util.Optional;

/**
 * The person using this Vaadin session and the tenant they are working in. Built once per session
 * from the OpenID Connect claims; services receive the {@link Caller} explicitly.
 */
@VaadinSessionScoped
public class SignedInPerson implements Serializable {
  private static final long serialVersionUID = 1L;

  private transient OpenIdContext openId;
  private transient TenantService tenants;
  private Caller caller;
  private Membership current;

  /** For CDI's client proxy only. */
  protected SignedInPerson() {}

  @Inject
  public SignedInPerson(OpenIdContext openId, TenantService tenants) {
    this.openId = openId;
    this.tenants = tenants;
  }

  /**
   * The person, calling from the address of the request being served (the audit records it); the
   * sign-in itself was recorded by the callback servlet.
   */
  public Caller caller() {
    if (caller == null) {
      caller = SignedInCaller.of(openId, "");
    }
    var request = VaadinRequest.getCurrent();
    return request == null
        ? caller
        : caller.from(
            ClientAddress.of(request.getRemoteAddr(), request.getHeaders("X-Forwarded-For")));
  }

  public List<Membership> memberships() {
    return tenants.membershipsOf(caller());
  }

  /** The tenant being worked in; the first one by name until the person switches. */
  public Optional<Membership> currentMembership() {
    var all = memberships();
    if (current != null) {
      var stillMember =
          all.stream().filter(m -> m.tenant().id().equals(current.tenant().id())).findFirst();
      current = stillMember.orElse(null);
    }
    if (current == null && !all.isEmpty()) {
      current = all.get(0);
    }
    return Optional.ofNullable(current);
  }

  public void switchTo(Membership membership) {
    this.current = membership;
  }
}
