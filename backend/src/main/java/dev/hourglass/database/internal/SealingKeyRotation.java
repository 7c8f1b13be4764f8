package dev.hourglass.database.internal;

import dev.hourglass.database.DatabaseId;
import dev.hourglass.security.SecretBox;
import dev.hourglass.security.SecretBoxException;
import dev.hourglass.tenant.TenantId;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Reseals every stored database password that another key than the active one sealed, the step of a
 * key rotation between "make the new key active" and "remove the old key" (docs/operations.md,
 * "Rotating the sealing key"; docs/decisions/0006-20261126-secrets-at-rest.md).
 *
 * <p>It works as the owner role, past row-level security, because it must reach every tenant's
 * rows; no tenant's request ever runs through it. Rows are taken in batches in id order, each batch
 * in one transaction with its rows locked, so an edit saved meanwhile waits for the batch or is
 * resealed by it, and a crash loses at most one uncommitted batch. Archived databases are resealed
 * too: their passwords are still stored, and the old key is to be removed.
 *
 * <p>Resealing changes neither {@code version} nor {@code updated_at}: the password is the same, so
 * open edit forms stay valid and the pools built from it stay open.
 */
public final class SealingKeyRotation {

  static final int DEFAULT_BATCH_SIZE = 100;

  private final int batchSize;

  public SealingKeyRotation() {
    this(DEFAULT_BATCH_SIZE);
  }

  SealingKeyRotation(int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be positive");
    }
    this.batchSize = batchSize;
  }

  /**
   * What a run did.
   *
   * @param activeKeyId the key everything was resealed under
   * @param resealed passwords resealed by this run
   * @param problems one sentence per password that could not be resealed (ids, never secrets)
   * @param leftUnderOtherKeys passwords still sealed by another key after the run
   */
  public record Outcome(
      String activeKeyId, int resealed, List<String> problems, long leftUnderOtherKeys) {
    public Outcome {
      problems = List.copyOf(problems);
    }

    public boolean complete() {
      return problems.isEmpty() && leftUnderOtherKeys == 0;
    }

    /** One line for the operator. */
    public String summary() {
      return "Resealed "
          + resealed
          + " database password(s) under key '"
          + activeKeyId
          + "'; "
          + leftUnderOtherKeys
          + " left under other keys.";
    }
  }

  /** Not every password could be resealed; the others were. */
  public static final class IncompleteRotationException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Outcome outcome;

    IncompleteRotationException(Outcome outcome) {
      super(
          outcome.summary()
              + " Could not reseal "
              + outcome.problems().size()
              + ":\n"
              + String.join("\n", outcome.problems()));
      this.outcome = outcome;
    }

    public Outcome outcome() {
      return outcome;
    }
  }

  /**
   * Reseals every password not sealed by {@code box}'s active key.
   *
   * @return how many were resealed; 0 when all were sealed by the active key already
   * @throws IncompleteRotationException after resealing all others, when some could not be (a key
   *     no longer configured, a damaged value), naming each database and key id
   */
  public int reseal(DataSource owner, SecretBox box) {
    var outcome = run(owner, box);
    if (!outcome.problems().isEmpty()) {
      throw new IncompleteRotationException(outcome);
    }
    return outcome.resealed();
  }

  /** Like {@link #reseal}, reporting problems in the outcome instead of throwing. */
  public Outcome run(DataSource owner, SecretBox box) {
    var active = box.activeKeyId();
    var problems = new ArrayList<String>();
    int resealed = 0;
    // The nil UUID sorts first in PostgreSQL, which compares uuids as unsigned bytes.
    UUID after = new UUID(0, 0);
    while (true) {
      var batch = resealBatch(owner, box, after, problems);
      resealed += batch.resealed();
      if (batch.last() == null) {
        break;
      }
      after = batch.last();
    }
    return new Outcome(active, resealed, problems, countUnderOtherKeys(owner, active));
  }

  private record Batch(int resealed, UUID last) {}

  private Batch resealBatch(DataSource owner, SecretBox box, UUID after, List<String> problems) {
    try (var c = owner.getConnection()) {
      c.setAutoCommit(false);
      try {
        var batch = resealBatch(c, box, after, problems);
        c.commit();
        return batch;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Could not reseal the database passwords (SQLSTATE " + e.getSQLState() + ")", e);
    }
  }

  private Batch resealBatch(Connection c, SecretBox box, UUID after, List<String> problems)
      throws SQLException {
    record Stored(UUID id, UUID tenant, byte[] sealed) {}
    var rows = new ArrayList<Stored>();
    // Keyset pagination by id, so a row that cannot be resealed is passed over, not met again.
    // Only PostgreSQL compares ids: java.util.UUID orders them differently (signed halves).
    try (var ps =
        c.prepareStatement(
            """
            select id, tenant_id, password_sealed from target_database
             where password_key_id <> ? and id > ?
             order by id
             limit ?
             for update
            """)) {
      ps.setString(1, box.activeKeyId());
      ps.setObject(2, after);
      ps.setInt(3, batchSize);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(
              new Stored(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getBytes(3)));
        }
      }
    }
    if (rows.isEmpty()) {
      return new Batch(0, null);
    }
    int resealed = 0;
    try (var ps =
        c.prepareStatement(
            "update target_database set password_sealed = ?, password_key_id = ? where id = ?")) {
      for (var row : rows) {
        var context =
            StoredDatabase.passwordContext(new TenantId(row.tenant()), new DatabaseId(row.id()));
        byte[] fresh;
        try {
          fresh = box.reseal(row.sealed(), context);
        } catch (SecretBoxException e) {
          problems.add(problem(row.id(), row.tenant(), row.sealed(), box, e));
          continue;
        }
        ps.setBytes(1, fresh);
        ps.setString(2, SecretBox.keyIdOf(fresh));
        ps.setObject(3, row.id());
        ps.addBatch();
        resealed++;
      }
      ps.executeBatch();
    }
    return new Batch(resealed, rows.get(rows.size() - 1).id());
  }

  private static String problem(
      UUID id, UUID tenant, byte[] sealed, SecretBox box, SecretBoxException e) {
    var database = "Database " + id + " of team " + tenant + ": ";
    String keyId;
    try {
      keyId = SecretBox.keyIdOf(sealed);
    } catch (SecretBoxException unreadable) {
      return database
          + "its password cannot be read ("
          + e.getMessage()
          + "). Left as it is: have the team enter the password again (edit the database).";
    }
    if (!box.knows(keyId)) {
      return database
          + "its password is sealed with key '"
          + keyId
          + "', which is not configured. Left as it is: add key '"
          + keyId
          + "' back to HOURGLASS_SECRETS_KEYS and run again, or have the team enter the password"
          + " again (edit the database).";
    }
    return database
        + "its password, sealed with key '"
        + keyId
        + "', cannot be opened ("
        + e.getMessage()
        + "). Left as it is: have the team enter the password again (edit the database).";
  }

  private static long countUnderOtherKeys(DataSource owner, String active) {
    try (var c = owner.getConnection();
        var ps =
            c.prepareStatement("select count(*) from target_database where password_key_id <> ?")) {
      ps.setString(1, active);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Could not count the database passwords (SQLSTATE " + e.getSQLState() + ")", e);
    }
  }
}
