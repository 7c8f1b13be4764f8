package dev.hourglass.database.internal;

import dev.hourglass.database.Capabilities;
import dev.hourglass.database.ConnectionCheck;
import dev.hourglass.database.ConnectionProblem;
import dev.hourglass.database.ConnectionSpec;
import dev.hourglass.database.NetworkPolicy;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import org.postgresql.Driver;

/**
 * Tests a connection to a tenant's database: resolves the host, checks each address against the
 * network policy, connects with bounded timeouts and reads the server's {@link Capabilities}.
 * Failures become a {@link ConnectionProblem} with a sentence for the user.
 */
public final class ConnectionProbe {

  /** The application_name of test connections, so DBAs can tell them from the pools'. */
  public static final String APPLICATION_NAME = "hourglass-check";

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private static final String CAPABILITIES_QUERY =
      """
      select current_setting('server_version'),
             current_setting('server_version_num')::int,
             (select extversion from pg_extension where extname = 'timescaledb'),
             (select extversion from pg_extension where extname = 'pg_cron'),
             -- pg_settings, not current_setting: pg_cron's settings are superuser-only, and
             -- current_setting fails for other users where pg_settings just hides the row.
             (select setting from pg_settings where name = 'cron.database_name'),
             not pg_is_in_recovery() and exists (
               select 1 from pg_namespace n
               where n.nspname not in ('information_schema', 'cron', 'timescaledb_information')
                 and n.nspname not like 'pg\\_%'
                 and n.nspname not like '\\_timescaledb%'
                 and has_schema_privilege(n.oid, 'CREATE'))
      """;

  private final Duration timeout;

  public ConnectionProbe() {
    this(DEFAULT_TIMEOUT);
  }

  /** {@code timeout} bounds connecting, logging in and each read; whole seconds, at least 1. */
  public ConnectionProbe(Duration timeout) {
    this.timeout = timeout;
  }

  public ConnectionCheck check(ConnectionSpec spec, NetworkPolicy policy) {
    // Elapsed time of a network call: a monotonic clock, not the injected wall clock.
    long start = System.nanoTime();
    Outcome outcome = attempt(spec, policy);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    return outcome.capabilities != null
        ? ConnectionCheck.succeeded(
            outcome.capabilities, Failures.scrub(outcome.message, spec), took)
        : ConnectionCheck.failed(outcome.problem, Failures.scrub(outcome.message, spec), took);
  }

  private Outcome attempt(ConnectionSpec spec, NetworkPolicy policy) {
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(spec.host());
    } catch (UnknownHostException e) {
      return Outcome.failed(
          ConnectionProblem.UNKNOWN_HOST,
          "The host name "
              + spec.host()
              + " does not resolve to an address; check its spelling, or enter the server's IP"
              + " address.");
    }
    for (InetAddress address : addresses) {
      var refusal = policy.refusal(address, spec.port());
      if (refusal.isPresent()) {
        return Outcome.failed(ConnectionProblem.BLOCKED_BY_POLICY, refusal.get());
      }
    }
    var properties = TargetConnections.connectionProperties(spec, policy, timeout);
    properties.setProperty("ApplicationName", APPLICATION_NAME);
    properties.setProperty("socketTimeout", Long.toString(TargetConnections.seconds(timeout)));
    Connection connection;
    try {
      // Not DriverManager: inside Payara it does not see the driver of the web application.
      connection = new Driver().connect(TargetConnections.jdbcUrl(spec), properties);
    } catch (SQLException e) {
      var failure = Failures.classify(e, spec);
      return Outcome.failed(failure.problem(), failure.message());
    }
    if (connection == null) {
      // Driver.connect answers null for a URL it does not handle; ours always is one of its own.
      return Outcome.failed(ConnectionProblem.OTHER, "The PostgreSQL driver refused the address.");
    }
    try (connection) {
      Capabilities capabilities = capabilities(connection);
      return Outcome.succeeded(capabilities, describe(spec, capabilities));
    } catch (SQLException e) {
      return Outcome.failed(
          ConnectionProblem.OTHER,
          "Connected, but reading the server's version and extensions failed ("
              + Failures.describe(e)
              + "); check that the user may read pg_extension.");
    }
  }

  private static Capabilities capabilities(Connection connection) throws SQLException {
    try (var statement = connection.createStatement();
        var row = statement.executeQuery(CAPABILITIES_QUERY)) {
      row.next();
      String version = row.getString(1).strip();
      int space = version.indexOf(' ');
      return new Capabilities(
          space < 0 ? version : version.substring(0, space),
          row.getInt(2),
          nonBlank(row.getString(3)),
          nonBlank(row.getString(4)),
          nonBlank(row.getString(5)),
          row.getBoolean(6));
    }
  }

  private static Optional<String> nonBlank(String value) {
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
  }

  private static String describe(ConnectionSpec spec, Capabilities c) {
    var text = new StringBuilder("Connected to PostgreSQL ").append(c.serverVersion());
    text.append(" as ").append(spec.user());
    c.timescaledbVersion().ifPresent(v -> text.append(", TimescaleDB ").append(v));
    c.pgCronVersion().ifPresent(v -> text.append(", pg_cron ").append(v));
    text.append(
        c.canCreateProcedures()
            ? "; the user may create procedures."
            : "; the user may not create procedures in any schema.");
    return text.toString();
  }

  private record Outcome(ConnectionProblem problem, String message, Capabilities capabilities) {
    static Outcome failed(ConnectionProblem problem, String message) {
      return new Outcome(problem, message, null);
    }

    static Outcome succeeded(Capabilities capabilities, String message) {
      return new Outcome(null, message, capabilities);
    }
  }
}
