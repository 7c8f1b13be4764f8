package dev.hourglass.tenant;

import java.time.Instant;

/** A person in a tenant, as the members page shows them. */
public record Member(
    String subject,
    String username,
    String displayName,
    String email,
    Role role,
    Instant joinedAt) {}
