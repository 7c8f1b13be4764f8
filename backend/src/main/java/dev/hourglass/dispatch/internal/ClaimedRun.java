package dev.hourglass.dispatch.internal;

import dev.hourglass.action.ActionId;
import dev.hourglass.action.Routine;
import dev.hourglass.action.RoutineName;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.tenant.TenantId;
import java.time.Duration;
import java.time.Instant;

/** A run this node claimed: everything needed to make the call, fixed at claim time. */
record ClaimedRun(
    long id,
    TenantId tenant,
    ActionId action,
    DatabaseId database,
    int jobId,
    Instant scheduledFor,
    int attempt,
    RoutineName routine,
    Routine.Kind kind,
    String config,
    Duration maxRuntime) {}
