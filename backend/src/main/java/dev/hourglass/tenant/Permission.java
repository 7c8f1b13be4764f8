package dev.hourglass.tenant;

/** Something a member may do in a tenant; {@link Role#allows(Permission)} says who may. */
public enum Permission {
  /** See the tenant's databases, actions, runs and members. */
  VIEW(Role.VIEWER, "view this team"),
  /** Author, schedule, pause and run actions. */
  EDIT_ACTIONS(Role.EDITOR, "change actions"),
  /** Register, edit and remove databases. */
  MANAGE_DATABASES(Role.ADMIN, "manage databases"),
  /** Invite and remove members, change their roles. */
  MANAGE_MEMBERS(Role.ADMIN, "manage members"),
  /** Rename the team. */
  MANAGE_TENANT(Role.ADMIN, "rename the team"),
  /**
   * Read the team's change audit: every member's changes and sign-ins with their addresses (see
   * docs/decisions/0014-20261126-change-audit.md).
   */
  VIEW_AUDIT(Role.ADMIN, "see the team's audit");

  private final Role least;
  private final String sentence;

  Permission(Role least, String sentence) {
    this.least = least;
    this.sentence = sentence;
  }

  /** The least powerful role that has this permission. */
  public Role least() {
    return least;
  }

  /** What the permission lets one do, for messages: "to manage databases". */
  public String sentence() {
    return sentence;
  }
}
