package dev.hourglass.database;

/** Why a connection test failed, precise enough to tell the user what to change. */
public enum ConnectionProblem {
  /** The host name does not resolve. */
  UNKNOWN_HOST,
  /** Nothing listens on the host and port. */
  REFUSED,
  /** The host or the server does not answer in time. */
  TIMED_OUT,
  /** The server rejected the password, or asked for one and none was given. */
  WRONG_PASSWORD,
  /** The server accepts only encrypted connections and the SSL mode is {@code disable}. */
  SSL_REQUIRED,
  /** The SSL mode requires encryption and the server has SSL switched off. */
  SSL_NOT_SUPPORTED,
  /** The server's certificate is not signed by the given CA, or not issued for the host name. */
  SSL_CERTIFICATE,
  /** The database does not exist on the server. */
  DATABASE_MISSING,
  /** The server refused this user, address or database (pg_hba.conf, CONNECT privilege). */
  NOT_PERMITTED,
  /** The operator's network policy does not let tenants reach that address. */
  BLOCKED_BY_POLICY,
  /** Anything else; the message carries the server's SQLSTATE. */
  OTHER
}
