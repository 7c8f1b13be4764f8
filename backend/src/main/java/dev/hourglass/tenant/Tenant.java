package dev.hourglass.tenant;

import java.util.Objects;

/** A team that owns databases and actions. */
public record Tenant(TenantId id, TenantName name) {
  public Tenant {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
  }
}
