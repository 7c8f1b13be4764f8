package dev.hourglass.tenant;

/**
 * What an invitation link offers, shown before the person accepts.
 *
 * @param problem empty when it can be accepted by the caller; else why not, written for them
 */
public record InvitationPreview(String tenantName, Role role, String email, String problem) {
  public boolean acceptable() {
    return problem.isEmpty();
  }
}
