package dev.hourglass.dispatch;

/** Where a run stands; every status but {@link #CLAIMED} is final. */
public enum RunStatus {
  /** Planned by a node, not yet recorded as finished: waiting for its slot, or going. */
  CLAIMED("Running"),
  SUCCEEDED("Succeeded"),
  FAILED("Failed"),
  /** Stopped by max_runtime (statement_timeout on the target). */
  TIMED_OUT("Timed out"),
  /** Its node stopped answering while the run was going; the outcome is unknown. */
  CRASHED("Crashed");

  private final String label;

  RunStatus(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public boolean failed() {
    return this == FAILED || this == TIMED_OUT || this == CRASHED;
  }
}
