package dev.hourglass.alert;

/** What an alert is about; each has its own quiet period per action or database. */
public enum AlertKind {
  FAILED("failed"),
  CONSECUTIVE_FAILURES("failed repeatedly"),
  AUTO_DISABLED("was disabled after too many failures"),
  TIMED_OUT("timed out"),
  /** Not started within the grace period after it was due. */
  LATE("is late"),
  /** Still not started long after it was due. */
  DOWN("is down"),
  UNREACHABLE("is unreachable"),
  RECOVERED("recovered"),
  TEST("test mail");

  private final String phrase;

  AlertKind(String phrase) {
    this.phrase = phrase;
  }

  /** For subjects: "Sales · nightly rollup failed". */
  public String phrase() {
    return phrase;
  }
}
