package dev.hourglass.database.internal;

import dev.hourglass.database.ConnectionSpec;
import dev.hourglass.database.NetworkPolicy;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import org.postgresql.ssl.NonValidatingFactory;

/**
 * How Hourglass connects to a tenant's database with pgjdbc: the connection test and the pools use
 * the same URL and properties, so both obey the network policy and the SSL settings.
 */
public final class TargetConnections {

  /** The application_name the server shows for Hourglass's connections. */
  public static final String APPLICATION_NAME = "hourglass";

  private TargetConnections() {}

  /**
   * {@code jdbc:postgresql://host:port/database}; user, password and SSL travel in {@link
   * #connectionProperties}.
   */
  public static String jdbcUrl(ConnectionSpec spec) {
    String host = spec.host().contains(":") ? "[" + spec.host() + "]" : spec.host();
    // pgjdbc URL-decodes the database name.
    return "jdbc:postgresql://"
        + host
        + ":"
        + spec.port()
        + "/"
        + URLEncoder.encode(spec.database(), StandardCharsets.UTF_8);
  }

  /**
   * Properties for {@code new org.postgresql.Driver().connect(jdbcUrl(spec), properties)} or a
   * pool's data source properties.
   *
   * <p>Sets user and password (always, also when empty, so pgjdbc never falls back to a {@code
   * .pgpass} file of our server), the SSL mode with the CA certificate, the {@link
   * GuardedSocketFactory} carrying the policy, and {@code timeout} as connect and login timeout
   * (whole seconds, at least 1). It does not set {@code socketTimeout}: statements on a pool may
   * legitimately run long; set it per use.
   */
  public static Properties connectionProperties(
      ConnectionSpec spec, NetworkPolicy policy, Duration timeout) {
    var properties = new Properties();
    properties.setProperty("user", spec.user());
    properties.setProperty("password", spec.password());
    properties.setProperty("ApplicationName", APPLICATION_NAME);
    properties.setProperty("sslmode", spec.sslMode().value());
    switch (spec.sslMode()) {
      case VERIFY_CA, VERIFY_FULL -> {
        properties.setProperty("sslfactory", PemTrustSslSocketFactory.class.getName());
        properties.setProperty("sslfactoryarg", spec.caCertificatePem());
      }
      // Without a factory pgjdbc would look for client certificates in our server's home.
      case PREFER, REQUIRE ->
          properties.setProperty("sslfactory", NonValidatingFactory.class.getName());
      case DISABLE -> {}
    }
    // GSS encryption is not offered to tenants; "allow" would make pgjdbc look for Kerberos
    // tickets.
    properties.setProperty("gssEncMode", "disable");
    properties.setProperty("socketFactory", GuardedSocketFactory.class.getName());
    properties.setProperty("socketFactoryArg", policy.encode());
    String seconds = Long.toString(seconds(timeout));
    properties.setProperty("connectTimeout", seconds);
    properties.setProperty("loginTimeout", seconds);
    return properties;
  }

  static long seconds(Duration timeout) {
    return Math.max(1, (timeout.toMillis() + 999) / 1000);
  }
}
