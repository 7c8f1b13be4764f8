package dev.hourglass.ui.tenant;

/** Routes of the team pages, for links from the shell without depending on the views. */
public final class TeamPaths {
  /** The members, invitations and settings of the current team. */
  public static final String TEAM = "team";

  /** The form for creating another team. */
  public static final String NEW_TEAM = "new-team";

  private TeamPaths() {}
}
