package dev.hourglass.database.internal;

import dev.hourglass.database.ConnectionProblem;
import dev.hourglass.database.ConnectionSpec;
import dev.hourglass.database.SslMode;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.sql.SQLException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Turns pgjdbc's exceptions into a {@link ConnectionProblem} and a sentence for the user.
 *
 * <p>Server errors are told apart by SQLSTATE. Two cases share 28000 and differ only in the
 * server's text: "password authentication failed" and pg_hba.conf's "no encryption"; these match
 * English server messages (lc_messages), other languages fall back to NOT_PERMITTED. Driver-side
 * failures are told apart by the exception in the cause chain.
 */
final class Failures {

  record Failure(ConnectionProblem problem, String message) {}

  private Failures() {}

  static Failure classify(SQLException e, ConnectionSpec spec) {
    String where = spec.host() + " port " + spec.port();
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String text = messages(e).toLowerCase(Locale.ROOT);

    var blocked = cause(e, BlockedConnectionException.class);
    if (blocked != null) {
      return new Failure(ConnectionProblem.BLOCKED_BY_POLICY, blocked.getMessage());
    }
    if (cause(e, UnknownHostException.class) != null) {
      return new Failure(
          ConnectionProblem.UNKNOWN_HOST,
          "The host name "
              + spec.host()
              + " does not resolve to an address; check its spelling, or enter the server's IP"
              + " address.");
    }
    switch (state) {
      case "28P01" -> {
        return wrongPassword(spec);
      }
      case "28000" -> {
        if (text.contains("password authentication failed")) {
          return wrongPassword(spec);
        }
        if (text.contains("no encryption") && spec.sslMode() == SslMode.DISABLE) {
          return new Failure(
              ConnectionProblem.SSL_REQUIRED,
              "The server at "
                  + where
                  + " accepts only encrypted connections; choose SSL mode verify-full (or"
                  + " require) instead of disable.");
        }
        if (text.contains("pg_hba.conf")) {
          return new Failure(
              ConnectionProblem.NOT_PERMITTED,
              "The server at "
                  + where
                  + " does not let user "
                  + spec.user()
                  + " connect to database "
                  + spec.database()
                  + " from Hourglass's address (no pg_hba.conf entry); ask its administrator to"
                  + " add one.");
        }
        return new Failure(
            ConnectionProblem.NOT_PERMITTED,
            "The server refused user "
                + spec.user()
                + " ("
                + serverMessage(e)
                + "); ask the database administrator to allow it to log in.");
      }
      case "3D000" -> {
        return new Failure(
            ConnectionProblem.DATABASE_MISSING,
            "The server at "
                + where
                + " has no database named "
                + spec.database()
                + "; check the name (it is case-sensitive) or create the database.");
      }
      case "42501" -> {
        return new Failure(
            ConnectionProblem.NOT_PERMITTED,
            "User "
                + spec.user()
                + " may not connect to database "
                + spec.database()
                + " ("
                + serverMessage(e)
                + "); grant it CONNECT on the database.");
      }
      default -> {}
    }
    if (text.contains("server does not support ssl")) {
      return new Failure(
          ConnectionProblem.SSL_NOT_SUPPORTED,
          "The server at "
              + where
              + " does not support SSL; switch SSL on in its postgresql.conf, or choose SSL mode"
              + " disable if the network is trusted.");
    }
    // pgjdbc: "The server requested SCRAM-based authentication, but the password is an empty
    // string." (or "... but no password was provided").
    if ("08004".equals(state) && text.contains("requested") && text.contains("password")) {
      return new Failure(
          ConnectionProblem.WRONG_PASSWORD,
          "The server asks user " + spec.user() + " for a password; enter the password.");
    }
    if (text.contains("could not be verified by hostnameverifier")) {
      return new Failure(
          ConnectionProblem.SSL_CERTIFICATE,
          "The server's certificate is not issued for the host name "
              + spec.host()
              + "; connect with a name the certificate lists, or choose SSL mode verify-ca.");
    }
    if (cause(e, CertificateException.class) != null
        || cause(e, CertPathValidatorException.class) != null
        || (cause(e, SSLException.class) != null && text.contains("certificat"))
        || text.contains("pkix path")) {
      return new Failure(
          ConnectionProblem.SSL_CERTIFICATE,
          "The server's certificate at "
              + where
              + " is not signed by the CA certificate you gave (or has expired); paste the CA"
              + " certificate that issued the server's certificate.");
    }
    if (cause(e, SocketTimeoutException.class) != null || text.contains("timed out")) {
      return new Failure(
          ConnectionProblem.TIMED_OUT,
          "The server at "
              + where
              + " did not answer in time; check the host and port, and that a firewall lets"
              + " Hourglass through.");
    }
    if (cause(e, NoRouteToHostException.class) != null) {
      return new Failure(
          ConnectionProblem.OTHER,
          "There is no network route to "
              + where
              + "; check the address, and that the server is reachable from Hourglass's network.");
    }
    if (cause(e, ConnectException.class) != null) {
      return new Failure(
          ConnectionProblem.REFUSED,
          "Nothing accepts connections at "
              + where
              + "; check the host and port, and that PostgreSQL listens on that address"
              + " (listen_addresses).");
    }
    return new Failure(
        ConnectionProblem.OTHER, "The connection to " + where + " failed (" + describe(e) + ").");
  }

  /** The driver's or server's message with its SQLSTATE, for the rare unclassified case. */
  static String describe(SQLException e) {
    String message = serverMessage(e);
    return e.getSQLState() == null ? message : message + ", SQLSTATE " + e.getSQLState();
  }

  /** Replaces the password anywhere in {@code text}: drivers have echoed connection strings. */
  static String scrub(String text, ConnectionSpec spec) {
    return spec.password().isEmpty() ? text : text.replace(spec.password(), "***");
  }

  private static Failure wrongPassword(ConnectionSpec spec) {
    return new Failure(
        ConnectionProblem.WRONG_PASSWORD,
        "The server rejected the password of user "
            + spec.user()
            + "; enter the password again (it is case-sensitive).");
  }

  /** The server's primary message without pgjdbc's multi-line detail and location. */
  private static String serverMessage(SQLException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline))
        .replaceFirst("^(FATAL|ERROR): ", "")
        .strip();
  }

  private static String messages(Throwable e) {
    var all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      all.append(t.getMessage()).append('\n');
    }
    return all.toString();
  }

  private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
