package dev.hourglass.audit.internal;

import dev.hourglass.audit.AuditEvent;
import dev.hourglass.audit.AuditFilter;
import dev.hourglass.audit.AuditService;
import dev.hourglass.common.InvalidInputException;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.Permission;
import dev.hourglass.tenant.TenantAccess;
import dev.hourglass.tenant.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.Writer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A team's audit from the control plane, read as the app role under row-level security, after the
 * role check. Filters map to the indexes of migration V7; free text is a scan within the others.
 */
@ApplicationScoped
public class JdbcAuditService implements AuditService {

  private DataSource dataSource;

  /** For CDI's client proxy only. */
  protected JdbcAuditService() {}

  @Inject
  public JdbcAuditService(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public List<AuditEvent> find(
      Caller caller, TenantId tenant, AuditFilter filter, int offset, int limit) {
    if (offset < 0 || limit < 1 || limit > MAX_PAGE) {
      throw new InvalidInputException(
          "limit", "A page holds 1 to " + MAX_PAGE + " rows from a position of 0 or more.");
    }
    return TenantAccess.inTenant(
        dataSource,
        caller,
        tenant,
        Permission.VIEW_AUDIT,
        "read the audit",
        c -> {
          var query = new Query(tenant, filter);
          try (var ps = c.prepareStatement(query.sql + " limit ? offset ?")) {
            int i = query.bind(ps);
            ps.setInt(i++, limit);
            ps.setInt(i, offset);
            var out = new ArrayList<AuditEvent>();
            try (var rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(read(rs));
              }
            }
            return List.copyOf(out);
          }
        });
  }

  @Override
  public int exportCsv(Caller caller, TenantId tenant, AuditFilter filter, Writer out) {
    return TenantAccess.inTenant(
        dataSource,
        caller,
        tenant,
        Permission.VIEW_AUDIT,
        "export the audit",
        c -> {
          var csv = new AuditCsv(out);
          csv.row(
              List.of(
                  "time_utc",
                  "who",
                  "who_subject",
                  "address",
                  "kind",
                  "operation",
                  "object_id",
                  "object_name",
                  "before",
                  "after"));
          var query = new Query(tenant, filter);
          int rows = 0;
          try (var ps = c.prepareStatement(query.sql + " limit ?")) {
            // Streams in batches (the transaction keeps the cursor open) instead of holding
            // every row in memory.
            ps.setFetchSize(1000);
            int i = query.bind(ps);
            ps.setInt(i, MAX_EXPORT);
            try (var rs = ps.executeQuery()) {
              while (rs.next()) {
                var e = read(rs);
                csv.row(
                    List.of(
                        DateTimeFormatter.ISO_INSTANT.format(e.at()),
                        e.actorName(),
                        e.actorSubject(),
                        e.address(),
                        e.kind().name(),
                        e.operation(),
                        e.objectId().orElse(""),
                        e.objectName().orElse(""),
                        e.before().orElse(""),
                        e.after().orElse("")));
                rows++;
              }
            }
          }
          try {
            out.flush();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          return rows;
        });
  }

  /** The filtered select, newest first, with its parameters in order. */
  private static final class Query {
    final String sql;
    final List<Object> params = new ArrayList<>();

    Query(TenantId tenant, AuditFilter f) {
      var where = new StringBuilder("tenant_id = ?");
      params.add(tenant.value());
      f.from()
          .ifPresent(
              t -> {
                where.append(" and occurred_at >= ?");
                params.add(Timestamp.from(t));
              });
      f.to()
          .ifPresent(
              t -> {
                where.append(" and occurred_at < ?");
                params.add(Timestamp.from(t));
              });
      f.actorSubject()
          .ifPresent(
              s -> {
                where.append(" and actor_subject = ?");
                params.add(s);
              });
      if (!f.kinds().isEmpty()) {
        where.append(" and kind = any (?)");
        params.add(f.kinds().stream().map(Enum::name).sorted().toArray(String[]::new));
      }
      f.object()
          .ifPresent(
              o -> {
                where.append(" and (object_id = ? or object_name ilike ? escape '\\')");
                params.add(o);
                params.add(like(o));
              });
      f.text()
          .ifPresent(
              t -> {
                where.append(
                    " and (actor_name ilike ? escape '\\' or actor_subject ilike ? escape '\\'"
                        + " or object_name ilike ? escape '\\' or operation ilike ? escape '\\'"
                        + " or remote_address ilike ? escape '\\'"
                        + " or before::text ilike ? escape '\\' or after::text ilike ? escape '\\')");
                for (int i = 0; i < 7; i++) {
                  params.add(like(t));
                }
              });
      sql =
          "select id, occurred_at, actor_subject, actor_name, remote_address, kind, operation,"
              + " object_id, object_name, before::text as before, after::text as after"
              + " from audit_event where "
              + where
              + " order by occurred_at desc, id desc";
    }

    int bind(PreparedStatement ps) throws SQLException {
      int i = 1;
      for (var p : params) {
        if (p instanceof String[] array) {
          ps.setArray(i++, ps.getConnection().createArrayOf("text", array));
        } else {
          ps.setObject(i++, p);
        }
      }
      return i;
    }

    private static String like(String s) {
      return "%" + s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }
  }

  private static AuditEvent read(ResultSet rs) throws SQLException {
    return new AuditEvent(
        rs.getLong("id"),
        rs.getTimestamp("occurred_at").toInstant(),
        rs.getString("actor_subject"),
        rs.getString("actor_name"),
        Optional.ofNullable(rs.getString("remote_address")).orElse(""),
        AuditWriter.kind(rs.getString("kind")),
        rs.getString("operation"),
        Optional.ofNullable(rs.getString("object_id")),
        Optional.ofNullable(rs.getString("object_name")),
        Optional.ofNullable(rs.getString("before")),
        Optional.ofNullable(rs.getString("after")));
  }
}
