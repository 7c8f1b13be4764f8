package dev.hourglass.infra;

import java.net.URI;
import java.util.Objects;

/** A PostgreSQL server that runs already; closing this leaves it running. */
public final class ExternalPostgres implements PostgresServer {

  private final URI adminUri;
  private final String user;
  private final String password;

  /**
   * @param adminJdbcUrl e.g. {@code jdbc:postgresql://127.0.0.1:5432/postgres?sslmode=disable}; its
   *     database is where databases are created and dropped from, its query is kept for every
   *     database
   */
  public ExternalPostgres(String adminJdbcUrl, String user, String password) {
    Objects.requireNonNull(adminJdbcUrl, "adminJdbcUrl");
    if (!adminJdbcUrl.startsWith("jdbc:postgresql://")) {
      throw new IllegalArgumentException(
          "Expected a URL like jdbc:postgresql://127.0.0.1:5432/postgres, got " + adminJdbcUrl);
    }
    this.adminUri = URI.create(adminJdbcUrl.substring("jdbc:".length()));
    if (adminUri.getHost() == null) {
      throw new IllegalArgumentException(
          "Expected a single host in the PostgreSQL URL, got " + adminJdbcUrl);
    }
    this.user = Objects.requireNonNull(user, "user");
    this.password = Objects.requireNonNullElse(password, "");
  }

  @Override
  public int port() {
    return adminUri.getPort() == -1 ? 5432 : adminUri.getPort();
  }

  @Override
  public String jdbcUrl(String database) {
    String query = adminUri.getRawQuery() == null ? "" : "?" + adminUri.getRawQuery();
    return "jdbc:postgresql://" + adminUri.getRawAuthority() + "/" + database + query;
  }

  @Override
  public String user() {
    return user;
  }

  @Override
  public String password() {
    return password;
  }

  @Override
  public String adminDatabase() {
    String path = adminUri.getPath();
    return path == null || path.length() <= 1 ? "postgres" : path.substring(1);
  }

  @Override
  public void close() {
    // Not ours to stop.
  }
}
