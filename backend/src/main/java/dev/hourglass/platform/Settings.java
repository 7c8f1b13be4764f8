package dev.hourglass.platform;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every setting Hourglass reads, validated once at start-up.
 *
 * <p>Values come from MicroProfile Config, so each key can be given as a system property ({@code
 * hourglass.db.url}) or an environment variable ({@code HOURGLASS_DB_URL}). A missing or invalid
 * value stops the start with a {@link ConfigurationException} that names the setting and its
 * environment variable. Defaults are documented in docs/operations.md.
 */
public record Settings(
    Database database,
    URI baseUrl,
    Oidc oidc,
    Mail mail,
    Jobs jobs,
    Duration sessionTimeout,
    boolean demoData,
    Secrets secrets,
    Targets targets,
    java.util.List<String> demoTargets,
    Dispatch dispatch) {

  /**
   * The control-plane PostgreSQL.
   *
   * @param user the owner role: runs migrations and JobRunr's storage
   * @param appUser the role the app's requests run as; row-level security applies to it, so it must
   *     be neither superuser nor owner of the tables, and not have BYPASSRLS
   */
  public record Database(
      String url,
      String user,
      String password,
      String appUser,
      String appPassword,
      int maxPoolSize) {
    @Override
    public String toString() {
      return "Database[url="
          + url
          + ", user="
          + user
          + ", password=***, appUser="
          + appUser
          + ", appPassword=***, maxPoolSize="
          + maxPoolSize
          + "]";
    }
  }

  /** The OpenID Connect provider (Keycloak realm) and this app's client. */
  public record Oidc(URI providerUri, String clientId, String clientSecret) {
    @Override
    public String toString() {
      return "Oidc[providerUri=" + providerUri + ", clientId=" + clientId + ", clientSecret=***]";
    }
  }

  /** The SMTP server that carries alerts. */
  public record Mail(
      String host, int port, MailSecurity security, String user, String password, String from) {
    @Override
    public String toString() {
      return "Mail[host="
          + host
          + ", port="
          + port
          + ", security="
          + security
          + ", user="
          + user
          + ", password=***, from="
          + from
          + "]";
    }
  }

  /** How mail reaches the SMTP server. */
  public enum MailSecurity {
    NONE,
    STARTTLS,
    SSL
  }

  /**
   * Keys that seal secrets at rest (docs/decisions/0006-20261126-secrets-at-rest.md).
   *
   * @param keys {@code id:base64key,...}; old keys stay listed until rotation has resealed
   * @param activeKey the id new secrets are sealed under
   */
  public record Secrets(String keys, String activeKey) {
    @Override
    public String toString() {
      return "Secrets[keys=***, activeKey=" + activeKey + "]";
    }
  }

  /**
   * How Hourglass reaches the tenants' databases.
   *
   * @param allow address ranges (CIDR) targets must lie in; empty allows any address the built-in
   *     refusals leave
   * @param deny address ranges targets may never lie in
   * @param poolSize connections per registered database
   * @param tenantConnections connections open at once across one tenant's databases
   * @param poolIdle a database's pool closes after this long unused
   * @param checkInterval how often the fleet monitor checks every database
   * @param connectTimeout bound on connecting, so an unreachable database cannot hold a worker
   */
  public record Targets(
      java.util.List<String> allow,
      java.util.List<String> deny,
      int poolSize,
      int tenantConnections,
      Duration poolIdle,
      Duration checkInterval,
      Duration connectTimeout) {}

  /**
   * How actions are dispatched (docs/decisions/0012-20261126-dispatch.md).
   *
   * @param enabled whether this node runs actions at all (a node may only serve pages)
   * @param workers runs going at once on this node
   * @param tenantRuns runs of one tenant going at once on this node
   * @param databaseRuns runs on one database going at once on this node; at most the pool size
   * @param tenantQueue runs of one tenant claimed but not finished, across all nodes
   * @param lookahead how far ahead runs are claimed, so they start on the dot
   * @param claimEvery how often a node looks for due runs
   * @param heartbeat how often a node says it is alive
   * @param nodeTimeout a node silent this long is dead: its runs are crashed or handed on
   * @param crashWait the least wait before an action whose run crashed runs again (TimescaleDB: 5
   *     minutes)
   */
  public record Dispatch(
      boolean enabled,
      int workers,
      int tenantRuns,
      int databaseRuns,
      int tenantQueue,
      Duration lookahead,
      Duration claimEvery,
      Duration heartbeat,
      Duration nodeTimeout,
      Duration crashWait) {}

  /** The JobRunr background server hosted in each app node. */
  public record Jobs(int workers, int pollIntervalSeconds) {}

  /**
   * Reads and validates all settings.
   *
   * @param source looks a key up (MicroProfile Config in the server, a map in tests)
   */
  public static Settings read(Function<String, Optional<String>> source) {
    var r = new Reader(source);
    var database = readDatabase(source);
    var baseUrl = r.httpUrl("hourglass.base-url");
    var oidc =
        new Oidc(
            r.httpUrl("hourglass.oidc.provider-uri"),
            r.optional("hourglass.oidc.client-id", "hourglass"),
            r.required("hourglass.oidc.client-secret"));
    var mail =
        new Mail(
            r.optional("hourglass.mail.host", "localhost"),
            r.integer("hourglass.mail.port", 25, 1, 65535),
            r.choice("hourglass.mail.security", MailSecurity.NONE, MailSecurity.class),
            r.optional("hourglass.mail.user", ""),
            r.optional("hourglass.mail.password", ""),
            r.email("hourglass.mail.from", "hourglass@localhost"));
    var jobs =
        new Jobs(
            r.integer("hourglass.jobs.workers", 4, 1, 256),
            // JobRunr's open-source edition refuses poll intervals under 5 seconds.
            r.integer("hourglass.jobs.poll-interval-seconds", 5, 5, 300));
    var sessionTimeout =
        Duration.ofMinutes(r.integer("hourglass.session-timeout-minutes", 30, 1, 24 * 60));
    var demoData = r.bool("hourglass.demo-data", false);
    var secrets = readSecrets(source);
    var targets =
        new Targets(
            r.list("hourglass.targets.allow"),
            r.list("hourglass.targets.deny"),
            r.integer("hourglass.targets.pool-size", 3, 1, 50),
            r.integer("hourglass.targets.tenant-connections", 10, 1, 1000),
            Duration.ofSeconds(r.integer("hourglass.targets.pool-idle-seconds", 300, 5, 86_400)),
            Duration.ofSeconds(
                r.integer("hourglass.targets.check-interval-seconds", 60, 5, 86_400)),
            Duration.ofSeconds(r.integer("hourglass.targets.connect-timeout-seconds", 10, 1, 120)));
    return new Settings(
        database,
        baseUrl,
        oidc,
        mail,
        jobs,
        sessionTimeout,
        demoData,
        secrets,
        targets,
        r.list("hourglass.demo-targets"),
        readDispatch(r, targets));
  }

  private static Dispatch readDispatch(Reader r, Targets targets) {
    var heartbeat = Duration.ofSeconds(r.integer("hourglass.dispatch.heartbeat-seconds", 2, 1, 60));
    var dispatch =
        new Dispatch(
            r.bool("hourglass.dispatch.enabled", true),
            r.integer("hourglass.dispatch.workers", 64, 1, 2048),
            r.integer("hourglass.dispatch.tenant-runs", 8, 1, 1000),
            r.integer("hourglass.dispatch.database-runs", 2, 1, 50),
            r.integer("hourglass.dispatch.tenant-queue", 200, 1, 100_000),
            Duration.ofMillis(r.integer("hourglass.dispatch.lookahead-millis", 2000, 0, 60_000)),
            Duration.ofMillis(r.integer("hourglass.dispatch.claim-every-millis", 100, 10, 10_000)),
            heartbeat,
            Duration.ofSeconds(r.integer("hourglass.dispatch.node-timeout-seconds", 15, 3, 3600)),
            Duration.ofSeconds(r.integer("hourglass.dispatch.crash-wait-seconds", 300, 0, 86_400)));
    if (dispatch.databaseRuns() > targets.poolSize()) {
      throw new ConfigurationException(
          "hourglass.dispatch.database-runs",
          "is "
              + dispatch.databaseRuns()
              + ", more than the "
              + targets.poolSize()
              + " connections per database (hourglass.targets.pool-size)",
          "lower it or raise HOURGLASS_TARGETS_POOL_SIZE");
    }
    if (dispatch.tenantRuns() > targets.tenantConnections()) {
      throw new ConfigurationException(
          "hourglass.dispatch.tenant-runs",
          "is "
              + dispatch.tenantRuns()
              + ", more than the "
              + targets.tenantConnections()
              + " connections a team may open (hourglass.targets.tenant-connections)",
          "lower it or raise HOURGLASS_TARGETS_TENANT_CONNECTIONS");
    }
    if (dispatch.nodeTimeout().compareTo(heartbeat.multipliedBy(3)) < 0) {
      throw new ConfigurationException(
          "hourglass.dispatch.node-timeout-seconds",
          "is shorter than three heartbeats (" + heartbeat.multipliedBy(3).toSeconds() + " s)",
          "raise it, or lower HOURGLASS_DISPATCH_HEARTBEAT_SECONDS, so a busy node is not taken"
              + " for dead");
    }
    return dispatch;
  }

  /**
   * Reads only the control-plane settings, for maintenance commands that neither serve pages nor
   * send mail (the key rotation), so they need not be given the OpenID Connect settings.
   */
  public static Database readDatabase(Function<String, Optional<String>> source) {
    var r = new Reader(source);
    return new Database(
        r.jdbcUrl("hourglass.db.url"),
        r.required("hourglass.db.user"),
        r.optional("hourglass.db.password", ""),
        r.identifier("hourglass.db.app-user", "hourglass_app"),
        r.optional("hourglass.db.app-password", ""),
        r.integer("hourglass.db.pool-size", 10, 2, 200));
  }

  /** Reads only the sealing keys; see {@link #readDatabase}. */
  public static Secrets readSecrets(Function<String, Optional<String>> source) {
    var r = new Reader(source);
    return new Secrets(
        r.required("hourglass.secrets.keys"), r.required("hourglass.secrets.active-key"));
  }

  /** The environment variable MicroProfile Config maps to a key. */
  public static String environmentVariable(String key) {
    return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
  }

  private record Reader(Function<String, Optional<String>> source) {

    private Optional<String> value(String key) {
      return source.apply(key).map(String::trim).filter(v -> !v.isEmpty());
    }

    String required(String key) {
      return value(key)
          .orElseThrow(
              () ->
                  new ConfigurationException(
                      key, "is required but not set", "set it to the value for this installation"));
    }

    String optional(String key, String fallback) {
      return value(key).orElse(fallback);
    }

    int integer(String key, int fallback, int min, int max) {
      var raw = value(key);
      if (raw.isEmpty()) {
        return fallback;
      }
      try {
        int v = Integer.parseInt(raw.get());
        if (v < min || v > max) {
          throw new ConfigurationException(
              key,
              "is " + v + ", outside the allowed range",
              "use a number from " + min + " to " + max);
        }
        return v;
      } catch (NumberFormatException e) {
        throw new ConfigurationException(
            key,
            "is '" + raw.get() + "', not a whole number",
            "use a number from " + min + " to " + max);
      }
    }

    boolean bool(String key, boolean fallback) {
      var raw = value(key);
      if (raw.isEmpty()) {
        return fallback;
      }
      return switch (raw.get().toLowerCase(Locale.ROOT)) {
        case "true", "yes", "1", "on" -> true;
        case "false", "no", "0", "off" -> false;
        default ->
            throw new ConfigurationException(
                key, "is '" + raw.get() + "', not a boolean", "use true or false");
      };
    }

    <E extends Enum<E>> E choice(String key, E fallback, Class<E> type) {
      var raw = value(key);
      if (raw.isEmpty()) {
        return fallback;
      }
      try {
        return Enum.valueOf(type, raw.get().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        var allowed = new StringBuilder();
        for (E c : type.getEnumConstants()) {
          allowed
              .append(allowed.length() == 0 ? "" : ", ")
              .append(c.name().toLowerCase(Locale.ROOT));
        }
        throw new ConfigurationException(
            key, "is '" + raw.get() + "', not a known value", "use one of " + allowed);
      }
    }

    java.util.List<String> list(String key) {
      return value(key)
          .map(v -> java.util.Arrays.stream(v.split(",")).map(String::strip))
          .map(items -> items.filter(i -> !i.isEmpty()).toList())
          .orElse(java.util.List.of());
    }

    String identifier(String key, String fallback) {
      var v = optional(key, fallback);
      if (!v.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
        throw new ConfigurationException(
            key,
            "is '" + v + "', not a plain role name",
            "use letters, digits and '_' (at most 63), not starting with a digit");
      }
      return v;
    }

    String jdbcUrl(String key) {
      var v = required(key);
      if (!v.startsWith("jdbc:postgresql://")) {
        throw new ConfigurationException(
            key,
            "is not a PostgreSQL JDBC URL",
            "use the form jdbc:postgresql://host:5432/database");
      }
      return v;
    }

    URI httpUrl(String key) {
      var v = required(key);
      try {
        var uri = new URI(v.endsWith("/") ? v.substring(0, v.length() - 1) : v);
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
            || uri.getHost() == null) {
          throw new ConfigurationException(
              key, "is '" + v + "', not an http(s) URL", "use the form https://host[:port][/path]");
        }
        return uri;
      } catch (java.net.URISyntaxException e) {
        throw new ConfigurationException(
            key, "is '" + v + "', not a valid URL", "use the form https://host[:port][/path]");
      }
    }

    String email(String key, String fallback) {
      var v = optional(key, fallback);
      if (!v.matches("[^@\\s]+@[^@\\s]+")) {
        throw new ConfigurationException(
            key, "is '" + v + "', not a mail address", "use the form name@example.com");
      }
      return v;
    }
  }
}
