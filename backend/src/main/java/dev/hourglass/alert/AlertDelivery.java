package dev.hourglass.alert;

import java.time.Instant;
import java.util.Optional;

/** One mail to one recipient, as the outbox keeps it: for the page of recent alerts. */
public record AlertDelivery(
    long id,
    AlertKind kind,
    String about,
    String recipient,
    boolean digest,
    Instant createdAt,
    int attempts,
    Optional<Instant> sentAt,
    Optional<String> lastError,
    boolean givenUp) {}
