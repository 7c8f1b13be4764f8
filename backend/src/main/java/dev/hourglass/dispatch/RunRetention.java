package dev.hourglass.dispatch;

import dev.hourglass.security.Caller;
import dev.hourglass.tenant.TenantId;
import java.time.Instant;
import java.util.Optional;

/** A tenant's run retention: members see it, admins change it. */
public interface RunRetention {

  /** The policy in force and who last changed it. */
  Setting policy(Caller caller, TenantId tenant);

  /**
   * Replaces the policy; needs the MANAGE_TENANT permission. The next pass of the job applies it.
   */
  Setting change(Caller caller, TenantId tenant, RetentionPolicy policy);

  /** The policy with its last change, empty when it was never changed from the defaults. */
  record Setting(RetentionPolicy policy, Optional<Instant> changedAt, Optional<String> changedBy) {}
}
