package dev.hourglass.tenant;

/** What a member may do in a tenant; ordered from most to least powerful. */
public enum Role {
  OWNER("Owner"),
  ADMIN("Admin"),
  EDITOR("Editor"),
  VIEWER("Viewer");

  private final String label;

  Role(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** True when a member with this role may do {@code permission}. */
  public boolean allows(Permission permission) {
    return includes(permission.least());
  }

  /** True when this role includes everything {@code other} may do. */
  public boolean includes(Role other) {
    return ordinal() <= other.ordinal();
  }
}
