package dev.hourglass.database.internal;

import dev.hourglass.common.AccessDeniedException;
import dev.hourglass.common.UserFacingException;
import dev.hourglass.database.ConnectionCheck;
import dev.hourglass.database.ConnectionFailedException;
import dev.hourglass.database.ConnectionSpec;
import dev.hourglass.database.DatabaseDraft;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.database.DatabaseService;
import dev.hourglass.database.RegisteredDatabase;
import dev.hourglass.security.Caller;
import dev.hourglass.security.SecretBox;
import dev.hourglass.tenant.Permission;
import dev.hourglass.tenant.TenantAccess;
import dev.hourglass.tenant.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;

/**
 * The fleet in the control-plane database. Connection tests run between two short transactions,
 * never inside one, so a slow target does not hold a control-plane connection.
 */
@ApplicationScoped
public class JdbcDatabaseService implements DatabaseService {

  static final String NOT_FOUND =
      "There is no such database in this team. It may have been removed; go back to the"
          + " dashboard.";

  private DataSource dataSource;
  private Clock clock;
  private SecretBox box;
  private Fleet fleet;

  /** For CDI's client proxy only. */
  protected JdbcDatabaseService() {}

  @Inject
  public JdbcDatabaseService(DataSource dataSource, Clock clock, SecretBox box, Fleet fleet) {
    this.dataSource = dataSource;
    this.clock = clock;
    this.box = box;
    this.fleet = fleet;
  }

  @Override
  public List<RegisteredDatabase> list(Caller caller, TenantId tenant) {
    return inTenant(
        caller,
        tenant,
        Permission.VIEW,
        "list the databases",
        c -> {
          return StoredDatabase.readAll(c, tenant);
        });
  }

  @Override
  public RegisteredDatabase get(Caller caller, TenantId tenant, DatabaseId id) {
    return inTenant(
        caller,
        tenant,
        Permission.VIEW,
        "read the database",
        c -> {
          return found(c, tenant, id, false).database();
        });
  }

  @Override
  public ConnectionCheck test(Caller caller, TenantId tenant, ConnectionSpec connection) {
    TenantAccess.require(dataSource, caller, tenant, Permission.MANAGE_DATABASES);
    return fleet.probe().check(connection, fleet.policy());
  }

  @Override
  public ConnectionCheck testEdit(
      Caller caller, TenantId tenant, DatabaseId id, DatabaseDraft draft) {
    return fleet.probe().check(effectiveConnection(caller, tenant, id, draft), fleet.policy());
  }

  @Override
  public RegisteredDatabase register(Caller caller, TenantId tenant, DatabaseDraft draft) {
    inTenant(
        caller,
        tenant,
        Permission.MANAGE_DATABASES,
        "check the name",
        c -> {
          refuseTakenName(c, tenant, draft.name(), null);
          return null;
        });
    var check = fleet.probe().check(draft.connection(), fleet.policy());
    if (!check.ok()) {
      throw new ConnectionFailedException(check);
    }
    var id = DatabaseId.random();
    return inTenant(
        caller,
        tenant,
        Permission.MANAGE_DATABASES,
        "register the database",
        c -> {
          refuseTakenName(c, tenant, draft.name(), null);
          var now = Timestamp.from(clock.instant());
          var conn = draft.connection();
          var sealed = box.seal(conn.password(), StoredDatabase.passwordContext(tenant, id));
          try (var ps =
              c.prepareStatement(
                  """
                  insert into target_database (id, tenant_id, name, environment, host, port,
                      database_name, username, password_sealed, password_key_id, ssl_mode,
                      ca_certificate, created_at, created_by, updated_at)
                  values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                  """)) {
            ps.setObject(1, id.value());
            ps.setObject(2, tenant.value());
            ps.setString(3, draft.name());
            ps.setString(4, draft.environment());
            ps.setString(5, conn.host());
            ps.setInt(6, conn.port());
            ps.setString(7, conn.database());
            ps.setString(8, conn.user());
            ps.setBytes(9, sealed);
            ps.setString(10, SecretBox.keyIdOf(sealed));
            ps.setString(11, conn.sslMode().name());
            ps.setString(12, blankToNull(conn.caCertificatePem()));
            ps.setTimestamp(13, now);
            ps.setString(14, caller.subject());
            ps.setTimestamp(15, now);
            ps.executeUpdate();
          }
          StoredDatabase.recordCheck(c, tenant, id, check, clock.instant());
          var saved = found(c, tenant, id, false).database();
          DatabaseAudit.record(
              c,
              caller,
              tenant,
              clock.instant(),
              "register",
              null,
              null,
              saved,
              DatabaseAudit.Password.REPLACED);
          return saved;
        });
  }

  @Override
  public RegisteredDatabase edit(
      Caller caller, TenantId tenant, DatabaseId id, DatabaseDraft draft, int expectedVersion) {
    var connection = effectiveConnection(caller, tenant, id, draft);
    var check = fleet.probe().check(connection, fleet.policy());
    if (!check.ok()) {
      throw new ConnectionFailedException(check);
    }
    var saved =
        inTenant(
            caller,
            tenant,
            Permission.MANAGE_DATABASES,
            "save the database",
            c -> {
              var row = found(c, tenant, id, true);
              if (row.database().version() != expectedVersion) {
                throw new UserFacingException(
                    "Someone else changed this database while you were editing it. Reload it,"
                        + " then make your change again.");
              }
              refuseTakenName(c, tenant, draft.name(), id);
              var sealed =
                  draft.keepStoredPassword()
                      ? row.sealedPassword()
                      : box.seal(connection.password(), StoredDatabase.passwordContext(tenant, id));
              try (var ps =
                  c.prepareStatement(
                      """
                      update target_database
                         set name = ?, environment = ?, host = ?, port = ?, database_name = ?,
                             username = ?, password_sealed = ?, password_key_id = ?, ssl_mode = ?,
                             ca_certificate = ?, updated_at = ?, version = version + 1
                       where tenant_id = ? and id = ?
                      """)) {
                ps.setString(1, draft.name());
                ps.setString(2, draft.environment());
                ps.setString(3, connection.host());
                ps.setInt(4, connection.port());
                ps.setString(5, connection.database());
                ps.setString(6, connection.user());
                ps.setBytes(7, sealed);
                ps.setString(8, SecretBox.keyIdOf(sealed));
                ps.setString(9, connection.sslMode().name());
                ps.setString(10, blankToNull(connection.caCertificatePem()));
                ps.setTimestamp(11, Timestamp.from(clock.instant()));
                ps.setObject(12, tenant.value());
                ps.setObject(13, id.value());
                ps.executeUpdate();
              }
              StoredDatabase.recordCheck(c, tenant, id, check, clock.instant());
              var updated = found(c, tenant, id, false).database();
              DatabaseAudit.record(
                  c,
                  caller,
                  tenant,
                  clock.instant(),
                  "edit",
                  row.database(),
                  DatabaseAudit.Password.STORED,
                  updated,
                  draft.keepStoredPassword()
                      ? DatabaseAudit.Password.STORED
                      : DatabaseAudit.Password.REPLACED);
              return updated;
            });
    // No eviction: the pool notices a changed connection by its fingerprint at the next use and is
    // replaced then; a rename keeps it, with the connections in use.
    if (fleet != null) {
      fleet.pools().forget(id);
    }
    return saved;
  }

  @Override
  public void remove(Caller caller, TenantId tenant, DatabaseId id) {
    inTenant(
        caller,
        tenant,
        Permission.MANAGE_DATABASES,
        "remove the database",
        c -> {
          var removed = found(c, tenant, id, true).database();
          DatabaseAudit.record(
              c,
              caller,
              tenant,
              clock.instant(),
              "remove",
              removed,
              DatabaseAudit.Password.STORED,
              null,
              null);
          try (var ps =
              c.prepareStatement(
                  """
                  update target_database set archived_at = ?, archived_by = ?
                   where tenant_id = ? and id = ? and archived_at is null
                  """)) {
            ps.setTimestamp(1, Timestamp.from(clock.instant()));
            ps.setString(2, caller.subject());
            ps.setObject(3, tenant.value());
            ps.setObject(4, id.value());
            ps.executeUpdate();
          }
          // Its actions go with it, archived with their history, in the same transaction.
          try (var ps =
              c.prepareStatement(
                  """
                  update action set archived_at = ?, archived_by = ?, scheduled = false,
                                    next_start = null, updated_at = ?, version = version + 1
                   where tenant_id = ? and database_id = ? and archived_at is null
                  """)) {
            var now = Timestamp.from(clock.instant());
            ps.setTimestamp(1, now);
            ps.setString(2, caller.subject());
            ps.setTimestamp(3, now);
            ps.setObject(4, tenant.value());
            ps.setObject(5, id.value());
            ps.executeUpdate();
          }
          return null;
        });
    fleet.pools().evict(id);
  }

  @Override
  public RegisteredDatabase refresh(Caller caller, TenantId tenant, DatabaseId id) {
    var row =
        inTenant(
            caller,
            tenant,
            Permission.VIEW,
            "read the database",
            c -> {
              return found(c, tenant, id, false);
            });
    var check = fleet.probe().check(row.connection(box), fleet.policy());
    return inTenant(
        caller,
        tenant,
        Permission.VIEW,
        "store the check",
        c -> {
          found(c, tenant, id, false);
          StoredDatabase.recordCheck(c, tenant, id, check, clock.instant());
          return found(c, tenant, id, false).database();
        });
  }

  @Override
  public String changeMark(Caller caller, TenantId tenant) {
    return inTenant(
        caller,
        tenant,
        Permission.VIEW,
        "read the dashboard",
        c -> {
          try (var ps =
              c.prepareStatement(
                  """
                  select count(*), max(updated_at), max(last_check_at), max(status_since),
                         (select count(*) || '/' || coalesce(max(a.updated_at)::text, '')
                            from action a where a.tenant_id = ? and a.archived_at is null)
                    from target_database where tenant_id = ? and archived_at is null
                  """)) {
            ps.setObject(1, tenant.value());
            ps.setObject(2, tenant.value());
            try (var rs = ps.executeQuery()) {
              rs.next();
              return rs.getLong(1)
                  + "|"
                  + rs.getString(2)
                  + "|"
                  + rs.getString(3)
                  + "|"
                  + rs.getString(4)
                  + "|"
                  + rs.getString(5);
            }
          }
        });
  }

  /** The connection an edit would use: the stored password unless a new one was entered. */
  private ConnectionSpec effectiveConnection(
      Caller caller, TenantId tenant, DatabaseId id, DatabaseDraft draft) {
    var row =
        inTenant(
            caller,
            tenant,
            Permission.MANAGE_DATABASES,
            "read the database",
            c -> {
              return found(c, tenant, id, false);
            });
    if (!draft.keepStoredPassword()) {
      return draft.connection();
    }
    var stored = row.database();
    var wanted = draft.connection();
    boolean sameServer =
        stored.host().equalsIgnoreCase(wanted.host())
            && stored.port() == wanted.port()
            && stored.user().equals(wanted.user());
    boolean sameOrStrongerSsl =
        wanted.sslMode().ordinal() >= stored.sslMode().ordinal()
            && (!stored.sslMode().verifiesCertificate()
                || java.util.Objects.equals(
                    stored.caCertificate().orElse(null), wanted.caCertificatePem()));
    if (!sameServer || !sameOrStrongerSsl) {
      // The stored password goes only where it went before, never to a server or user the
      // person editing just typed: else it could be sent to a host they control.
      throw new dev.hourglass.common.InvalidInputException(
          "password",
          "Enter the password again: the stored one is used only with the same host, port, user"
              + " and an SSL mode at least as strict.");
    }
    return wanted.withPassword(row.connection(box).password());
  }

  private static StoredDatabase.Row found(
      Connection c, TenantId tenant, DatabaseId id, boolean lock) throws SQLException {
    return StoredDatabase.find(c, tenant, id, lock)
        .orElseThrow(() -> new AccessDeniedException(NOT_FOUND));
  }

  private static void refuseTakenName(Connection c, TenantId tenant, String name, DatabaseId self)
      throws SQLException {
    try (var ps =
        c.prepareStatement(
            """
            select id from target_database
             where tenant_id = ? and lower(name) = lower(?) and archived_at is null
            """)) {
      ps.setObject(1, tenant.value());
      ps.setString(2, name);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          if (self == null || !self.value().equals(rs.getObject(1, java.util.UUID.class))) {
            throw new UserFacingException(
                "This team already has a database called '" + name + "'. Choose another name.");
          }
        }
      }
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private <T> T inTenant(
      Caller caller,
      TenantId tenant,
      Permission permission,
      String what,
      dev.hourglass.common.Transactions.Work<T> work) {
    return TenantAccess.inTenant(dataSource, caller, tenant, permission, what, work);
  }
}
