package dev.hourglass.tenant;

import java.time.Instant;
import java.util.UUID;

/** An open invitation to join a tenant, as the members page lists it. */
public record Invitation(
    UUID id, String email, Role role, String invitedBy, Instant createdAt, Instant expiresAt) {}
