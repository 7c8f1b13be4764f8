package dev.hourglass.database;

import dev.hourglass.tenant.TenantId;
import java.time.Instant;
import java.util.Optional;

/**
 * A database of a tenant as the dashboard and forms see it. It carries no password: stored
 * passwords are never shown back. The CA certificate is public and is shown.
 *
 * @param version increases with every edit; an edit names the version it started from
 */
public record RegisteredDatabase(
    DatabaseId id,
    TenantId tenant,
    String name,
    String environment,
    String host,
    int port,
    String database,
    String user,
    SslMode sslMode,
    Optional<String> caCertificate,
    int version,
    Instant createdAt,
    Instant updatedAt,
    DatabaseStatus status,
    Optional<Capabilities> capabilities) {

  /** host:port/database, as shown in lists. */
  public String address() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + database;
  }
}
