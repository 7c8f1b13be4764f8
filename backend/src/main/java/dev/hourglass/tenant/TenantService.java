package dev.hourglass.tenant;

import dev.hourglass.security.Caller;
import java.util.List;

/** Tenants and who belongs to them. Every method takes the caller explicitly. */
public interface TenantService {

  /** Records that the caller signed in, refreshing the name and mail the provider gave. */
  void recordSignIn(Caller caller);

  /** The caller's tenants, by name. Empty for a person who has not created or joined one. */
  List<Membership> membershipsOf(Caller caller);

  /**
   * Creates a tenant with the caller as its owner, in one transaction.
   *
   * @throws dev.hourglass.common.UserFacingException when the caller already owns a team of that
   *     name
   */
  Membership createTenant(Caller caller, TenantName name);
}
