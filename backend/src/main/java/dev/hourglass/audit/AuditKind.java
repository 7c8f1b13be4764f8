package dev.hourglass.audit;

/** What kind of thing a recorded change was made to; the viewer filters by it. */
public enum AuditKind {
  ACTION("Action"),
  DATABASE("Database"),
  MEMBER("Member"),
  INVITATION("Invitation"),
  TEAM("Team"),
  ALERT_RULE("Alert rule"),
  ALERT_MAIL("Alert mail"),
  SIGN_IN("Sign-in");

  private final String label;

  AuditKind(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
