package dev.hourglass.database.internal;

import dev.hourglass.audit.Audit;
import dev.hourglass.audit.AuditEntry;
import dev.hourglass.audit.AuditFields;
import dev.hourglass.audit.AuditKind;
import dev.hourglass.database.RegisteredDatabase;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.TenantId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;

/**
 * Records a database's registration, edits and removal in the audit, in the transaction that makes
 * them. The password itself never comes here: only whether it was set or replaced.
 */
final class DatabaseAudit {

  /** What the audit knows of a password: set once, kept, or replaced. Masked all the same. */
  enum Password {
    STORED,
    REPLACED
  }

  private DatabaseAudit() {}

  static void record(
      Connection c,
      Caller caller,
      TenantId tenant,
      Instant at,
      String operation,
      RegisteredDatabase before,
      Password passwordBefore,
      RegisteredDatabase after,
      Password passwordAfter)
      throws SQLException {
    var named = after != null ? after : before;
    Audit.record(
        c,
        AuditEntry.of(caller, tenant, at, AuditKind.DATABASE, operation)
            .object(named.id().value().toString(), named.name())
            .changes(fields(before, passwordBefore), fields(after, passwordAfter)));
  }

  private static Map<String, Object> fields(RegisteredDatabase d, Password password) {
    if (d == null) {
      return Map.of();
    }
    return AuditFields.of(
        "name", d.name(),
        "environment", d.environment(),
        "host", d.host(),
        "port", d.port(),
        "database", d.database(),
        "user", d.user(),
        "password", password.name(),
        "ssl_mode", d.sslMode().name(),
        "ca_certificate_sha256", d.caCertificate().map(DatabaseAudit::fingerprint));
  }

  private static String fingerprint(String pem) {
    try {
      var digest =
          MessageDigest.getInstance("SHA-256").digest(pem.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
