package dev.hourglass.tenant;

import dev.hourglass.common.InvalidInputException;
import java.util.Objects;
import java.util.UUID;

/** Identifies a tenant; carried explicitly through services and job requests. */
public record TenantId(UUID value) {
  public TenantId {
    Objects.requireNonNull(value, "value");
  }

  public static TenantId random() {
    return new TenantId(UUID.randomUUID());
  }

  public static TenantId parse(String text) {
    try {
      return new TenantId(UUID.fromString(text));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new InvalidInputException("tenant", "'" + text + "' is not a tenant id.");
    }
  }

  @Override
  public String toString() {
    return value.toString();
  }
}
