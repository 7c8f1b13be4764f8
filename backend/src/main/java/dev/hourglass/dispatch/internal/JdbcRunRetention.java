package dev.hourglass.dispatch.internal;

import dev.hourglass.audit.Audit;
import dev.hourglass.audit.AuditEntry;
import dev.hourglass.audit.AuditKind;
import dev.hourglass.dispatch.RetentionPolicy;
import dev.hourglass.dispatch.RunRetention;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.Permission;
import dev.hourglass.tenant.TenantAccess;
import dev.hourglass.tenant.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/** The retention columns of the tenant row (migration V10), read by members, set by admins. */
@ApplicationScoped
public class JdbcRunRetention implements RunRetention {

  private DataSource dataSource;
  private Clock clock;

  /** For CDI's client proxy only. */
  protected JdbcRunRetention() {}

  @Inject
  public JdbcRunRetention(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  @Override
  public Setting policy(Caller caller, TenantId tenant) {
    return TenantAccess.inTenant(
        dataSource,
        caller,
        tenant,
        Permission.VIEW,
        "read the run retention",
        c -> read(c, tenant));
  }

  @Override
  public Setting change(Caller caller, TenantId tenant, RetentionPolicy policy) {
    return TenantAccess.inTenant(
        dataSource,
        caller,
        tenant,
        Permission.MANAGE_TENANT,
        "change the run retention",
        c -> {
          var before = read(c, tenant).policy();
          try (var ps =
              c.prepareStatement(
                  "update tenant set run_retention_age = make_interval(days => ?),"
                      + " run_retention_count = ?, run_retention_changed_at = ?,"
                      + " run_retention_changed_by = ? where id = ?")) {
            if (policy.maxAge().isPresent()) {
              ps.setInt(1, (int) policy.maxAge().get().toDays());
            } else {
              ps.setNull(1, Types.INTEGER);
            }
            if (policy.maxRunsPerAction().isPresent()) {
              ps.setInt(2, policy.maxRunsPerAction().get());
            } else {
              ps.setNull(2, Types.INTEGER);
            }
            ps.setTimestamp(3, Timestamp.from(clock.instant()));
            ps.setString(4, caller.displayName());
            ps.setObject(5, tenant.value());
            ps.executeUpdate();
          }
          Audit.record(
              c,
              AuditEntry.of(caller, tenant, clock.instant(), AuditKind.TEAM, "run_retention")
                  .object(tenant.value().toString(), null)
                  .changes(fields(before), fields(policy)));
          return read(c, tenant);
        });
  }

  private static Map<String, Object> fields(RetentionPolicy p) {
    var f = new HashMap<String, Object>();
    f.put("max_age_days", p.maxAge().map(Duration::toDays).orElse(null));
    f.put("max_runs_per_action", p.maxRunsPerAction().orElse(null));
    return f;
  }

  private static Setting read(Connection c, TenantId tenant) throws SQLException {
    try (var ps =
        c.prepareStatement(
            "select extract(epoch from run_retention_age)::bigint, run_retention_count,"
                + " run_retention_changed_at, run_retention_changed_by from tenant where id = ?")) {
      ps.setObject(1, tenant.value());
      try (var rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("The tenant row is not readable in its own scope");
        }
        var seconds = rs.getObject(1, Long.class);
        var count = rs.getObject(2, Integer.class);
        var changedAt = rs.getTimestamp(3);
        return new Setting(
            new RetentionPolicy(
                Optional.ofNullable(seconds).map(Duration::ofSeconds), Optional.ofNullable(count)),
            Optional.ofNullable(changedAt).map(Timestamp::toInstant),
            Optional.ofNullable(rs.getString(4)));
      }
    }
  }
}
