package dev.hourglass.audit;

import dev.hourglass.security.Caller;
import dev.hourglass.tenant.TenantId;
import java.io.Writer;
import java.util.List;

/**
 * Reads a team's audit. Only admins and owners may ({@code Permission.VIEW_AUDIT}): the audit shows
 * every member's sign-ins with their addresses and every value that changed.
 */
public interface AuditService {

  /** At most this many rows per page. */
  int MAX_PAGE = 500;

  /** At most this many rows in one export; the filter narrows a larger audit. */
  int MAX_EXPORT = 100_000;

  /** The changes that match {@code filter}, newest first, from {@code offset}. */
  List<AuditEvent> find(Caller caller, TenantId tenant, AuditFilter filter, int offset, int limit);

  /**
   * Writes the changes that match {@code filter}, newest first, as CSV (RFC 4180, a header line,
   * cells that a spreadsheet would read as a formula made inert). Returns the number of rows.
   */
  int exportCsv(Caller caller, TenantId tenant, AuditFilter filter, Writer out);
}
