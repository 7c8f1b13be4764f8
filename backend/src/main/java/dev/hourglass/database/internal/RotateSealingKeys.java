package dev.hourglass.database.internal;

import dev.hourglass.platform.ControlPlane;
import dev.hourglass.platform.Settings;
import dev.hourglass.platform.StartupException;
import dev.hourglass.security.SealingKeys;
import java.io.PrintStream;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * The key rotation command ({@code ./hourglass rotate-keys}): reseals every stored database
 * password under HOURGLASS_SECRETS_ACTIVE_KEY.
 *
 * <p>It reads the app's own settings from the environment, but only those it needs: the control
 * plane ({@code HOURGLASS_DB_URL}, {@code HOURGLASS_DB_USER}, {@code HOURGLASS_DB_PASSWORD}) and
 * the keys ({@code HOURGLASS_SECRETS_KEYS}, {@code HOURGLASS_SECRETS_ACTIVE_KEY}), so an operator
 * need not hand it the OpenID Connect settings. It works as the owner role and never migrates: a
 * control plane without the schema is refused, since the app migrates it at start.
 *
 * <p>Lives in the database feature, not in platform: platform may use no feature.
 */
public final class RotateSealingKeys {

  static final int OK = 0;
  static final int INCOMPLETE = 1;
  static final int CANNOT_RUN = 2;

  private RotateSealingKeys() {}

  public static void main(String[] args) {
    System.exit(
        run(
            key -> Optional.ofNullable(System.getenv(Settings.environmentVariable(key))),
            System.out,
            System.err));
  }

  /**
   * Runs the rotation with settings from {@code source}.
   *
   * @return 0 when every password is sealed by the active key, 1 when some could not be resealed
   *     (each one is named on {@code err}), 2 when it could not run at all
   */
  static int run(Function<String, Optional<String>> source, PrintStream out, PrintStream err) {
    Settings.Database database;
    dev.hourglass.security.SecretBox box;
    try {
      database = Settings.readDatabase(source);
      box = SealingKeys.fromSettings(Settings.readSecrets(source));
    } catch (StartupException e) {
      err.println("Cannot rotate the sealing key: " + e.getMessage());
      return CANNOT_RUN;
    }
    try (var controlPlane = ControlPlane.open(database)) {
      var owner = controlPlane.ownerDataSource();
      requireSchema(owner, database);
      var outcome = new SealingKeyRotation().run(owner, box);
      out.println(outcome.summary());
      if (!outcome.problems().isEmpty()) {
        err.println("Could not reseal " + outcome.problems().size() + " password(s):");
        outcome.problems().forEach(p -> err.println("  " + p));
      }
      if (!outcome.complete()) {
        err.println(
            "Keep the old keys in HOURGLASS_SECRETS_KEYS until this command reports 0 left under"
                + " other keys.");
        return INCOMPLETE;
      }
      return OK;
    } catch (StartupException e) {
      err.println("Cannot rotate the sealing key: " + e.getMessage());
      return CANNOT_RUN;
    } catch (IllegalStateException e) {
      err.println("The rotation stopped: " + e.getMessage() + ". Batches done so far are kept;");
      err.println("run the command again to finish.");
      return CANNOT_RUN;
    }
  }

  private static void requireSchema(DataSource owner, Settings.Database database) {
    try (var c = owner.getConnection();
        var ps = c.prepareStatement("select to_regclass('target_database') is not null");
        var rs = ps.executeQuery()) {
      rs.next();
      if (!rs.getBoolean(1)) {
        throw new StartupException(
            "the control-plane database at "
                + database.url().replaceFirst("\\?.*", "")
                + " has no Hourglass schema (no table target_database). Check HOURGLASS_DB_URL;"
                + " a new installation gets its schema when the app starts the first time.");
      }
    } catch (SQLException e) {
      throw new StartupException(
          "could not read the control-plane schema (SQLSTATE " + e.getSQLState() + ")", e);
    }
  }
}
