package dev.hourglass.tenant;

import java.util.Objects;

/** A person's place in one tenant. */
public record Membership(Tenant tenant, Role role) {
  public Membership {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(role, "role");
  }
}
