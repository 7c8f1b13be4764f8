package dev.hourglass.database;

import dev.hourglass.security.Caller;
import dev.hourglass.tenant.TenantId;
import java.util.List;

/**
 * The tenant's fleet of databases: register, test, edit, remove, and their last known status.
 *
 * <p>Every method checks the caller's role in {@code tenant} itself (viewers may look, admins and
 * owners manage) and runs inside the tenant, so row-level security backs up the check. A database
 * of another tenant is reported exactly like one that does not exist.
 */
public interface DatabaseService {

  /** The tenant's databases by name, with their status. */
  List<RegisteredDatabase> list(Caller caller, TenantId tenant);

  RegisteredDatabase get(Caller caller, TenantId tenant, DatabaseId id);

  /**
   * Tries to connect and reads the capabilities, without saving anything. Admins and owners: a
   * connection test is also a way to probe a network.
   */
  ConnectionCheck test(Caller caller, TenantId tenant, ConnectionSpec connection);

  /**
   * Tests {@code draft} as an edit of {@code id} would: with {@link
   * DatabaseDraft#keepStoredPassword()} the stored password is used.
   */
  ConnectionCheck testEdit(Caller caller, TenantId tenant, DatabaseId id, DatabaseDraft draft);

  /**
   * Tests the connection and, only when it works, saves the database with its password sealed and
   * its capabilities.
   *
   * @throws ConnectionFailedException when the test fails; nothing is saved
   */
  RegisteredDatabase register(Caller caller, TenantId tenant, DatabaseDraft draft);

  /**
   * Re-tests and saves the changes; open connections to the old settings are closed.
   *
   * @param expectedVersion the version the form was filled from; a newer one means someone else
   *     changed it meanwhile, and the edit is refused
   * @throws ConnectionFailedException when the test fails; nothing is saved
   */
  RegisteredDatabase edit(
      Caller caller, TenantId tenant, DatabaseId id, DatabaseDraft draft, int expectedVersion);

  /**
   * Removes the database from the fleet. It is archived, not deleted: its actions are archived with
   * their history, its connections closed, and its name is free again.
   */
  void remove(Caller caller, TenantId tenant, DatabaseId id);

  /** Checks the database now and stores the status and capabilities found. Any member. */
  RegisteredDatabase refresh(Caller caller, TenantId tenant, DatabaseId id);

  /**
   * A value that changes whenever anything on the tenant's dashboard changes (an edit, a check),
   * cheap enough to ask every few seconds.
   */
  String changeMark(Caller caller, TenantId tenant);
}
