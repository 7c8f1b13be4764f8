package dev.hourglass.database.internal;

import static dev.hourglass.common.Transactions.inTransaction;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.hourglass.common.UserFacingException;
import dev.hourglass.database.ConnectionSpec;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.database.NetworkPolicy;
import dev.hourglass.platform.Settings;
import dev.hourglass.security.SecretBox;
import dev.hourglass.tenant.TenantId;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * One bounded pool per registered database, built on first use with the password opened only then,
 * rebuilt when the database was edited (its version changed, on any node), closed after {@link
 * Settings.Targets#poolIdle()} unused. Across one tenant's pools at most {@link
 * Settings.Targets#tenantConnections()} physical connections are open at once.
 */
public final class TargetPools
    implements AutoCloseable, dev.hourglass.database.DatabaseConnections {

  /** The subject recorded for the control-plane reads the pools make on nobody's behalf. */
  static final String SYSTEM = "system:pools";

  private final DataSource controlPlane;
  private final SecretBox box;
  private final NetworkPolicy policy;
  private final Settings.Targets settings;
  private final Map<DatabaseId, Entry> pools = new ConcurrentHashMap<>();
  private final Map<TenantId, Semaphore> tenantPermits = new ConcurrentHashMap<>();
  private final Map<TenantId, Long> capRefusals = new ConcurrentHashMap<>();
  private final ScheduledExecutorService sweeper;

  TargetPools(
      DataSource controlPlane, SecretBox box, NetworkPolicy policy, Settings.Targets settings) {
    this.controlPlane = controlPlane;
    this.box = box;
    this.policy = policy;
    this.settings = settings;
    this.sweeper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              var t = new Thread(r, "hourglass-pool-sweeper");
              t.setDaemon(true);
              return t;
            });
    long every = Math.max(1, Math.min(30, settings.poolIdle().toSeconds() / 2));
    sweeper.scheduleWithFixedDelay(this::closeIdle, every, every, TimeUnit.SECONDS);
  }

  /**
   * A pool and what it connects with: the fingerprint changes only when the connection does (not on
   * a rename), so a rename keeps the pool and its connections in use.
   */
  private record Entry(
      TenantId tenant,
      String fingerprint,
      HikariDataSource pool,
      java.util.concurrent.atomic.AtomicLong lastUsed,
      java.util.concurrent.atomic.AtomicLong verified) {}

  /**
   * How long a pool is used without reading its registration again: runs at hundreds per second
   * must not each read the control plane. An edit or removal on this node takes effect at once
   * ({@link #forget}, {@link #evict}); on other nodes within this time.
   */
  static final long RECHECK_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);

  static String fingerprint(StoredDatabase.Row row) {
    var d = row.database();
    return d.host()
        + "|"
        + d.port()
        + "|"
        + d.database()
        + "|"
        + d.user()
        + "|"
        + d.sslMode()
        + "|"
        + java.util.Objects.hashCode(row.caCertificate())
        + "|"
        + java.util.Arrays.hashCode(row.sealedPassword());
  }

  /**
   * A connection to the tenant's database, from its pool.
   *
   * @throws UserFacingException when the database is not registered in the tenant (any more)
   * @throws SQLException when it cannot be reached, or the tenant's connection cap is reached
   */
  public Connection connect(TenantId tenant, DatabaseId id) throws SQLException {
    var known = pools.get(id);
    if (known != null
        && known.tenant().equals(tenant)
        && System.nanoTime() - known.verified().get() < RECHECK_NANOS) {
      known.lastUsed().set(System.nanoTime());
      return borrow(tenant, known);
    }
    var row =
        inTransaction(
                controlPlane,
                SYSTEM,
                tenant.value(),
                "read the database",
                c -> StoredDatabase.find(c, tenant, id, false))
            .orElseThrow(() -> new UserFacingException(JdbcDatabaseService.NOT_FOUND));
    var fingerprint = fingerprint(row);
    var retired = new java.util.concurrent.atomic.AtomicReference<HikariDataSource>();
    var entry =
        pools.compute(
            id,
            (key, current) -> {
              var e = current;
              if (e == null || !e.fingerprint().equals(fingerprint)) {
                if (e != null) {
                  retired.set(e.pool());
                }
                e =
                    new Entry(
                        tenant,
                        fingerprint,
                        build(tenant, id, row.connection(box)),
                        new java.util.concurrent.atomic.AtomicLong(),
                        new java.util.concurrent.atomic.AtomicLong());
              }
              // Stamped inside compute, so the idle sweeper never closes a pool being handed out.
              e.lastUsed().set(System.nanoTime());
              e.verified().set(System.nanoTime());
              return e;
            });
    var old = retired.get();
    if (old != null) {
      // Closing waits for connections in use; never inside compute, never on the caller's thread.
      sweeper.execute(old::close);
    }
    return borrow(tenant, entry);
  }

  private Connection borrow(TenantId tenant, Entry entry) throws SQLException {
    try {
      return entry.pool().getConnection();
    } catch (SQLException e) {
      // Hikari only says "connection is not available"; say why when the tenant's cap was the
      // reason during this wait.
      var refused = capRefusals.get(tenant);
      if (refused != null
          && System.nanoTime() - refused < settings.connectTimeout().toNanos() * 2) {
        throw new SQLException(capMessage(), CAP_REACHED, e);
      }
      throw e;
    }
  }

  private String capMessage() {
    return "The team's limit of "
        + settings.tenantConnections()
        + " open connections across its databases is reached; try again when runs finish, or"
        + " ask the operator to raise HOURGLASS_TARGETS_TENANT_CONNECTIONS.";
  }

  /** SQLSTATE too_many_connections, used for the tenant's cap. */
  static final String CAP_REACHED = "53300";

  @Override
  public Connection open(TenantId tenant, DatabaseId id) throws SQLException {
    return connect(tenant, id);
  }

  /** Makes the next {@link #connect} read the database's registration again (after an edit). */
  public void forget(DatabaseId id) {
    var entry = pools.get(id);
    if (entry != null) {
      entry.verified().set(System.nanoTime() - RECHECK_NANOS);
    }
  }

  /** Closes the database's pool; the next {@link #connect} builds a new one. */
  public void evict(DatabaseId id) {
    var entry = pools.remove(id);
    if (entry != null) {
      entry.pool().close();
    }
  }

  /** How many pools are open, for tests and the operations page. */
  public int openPools() {
    return pools.size();
  }

  /** Physical connections the tenant has open now, across its pools. */
  public int openConnections(TenantId tenant) {
    var permits = tenantPermits.get(tenant);
    return permits == null ? 0 : settings.tenantConnections() - permits.availablePermits();
  }

  void closeIdle() {
    long now = System.nanoTime();
    long idle = settings.poolIdle().toNanos();
    pools.forEach(
        (id, entry) -> {
          var mx = entry.pool().getHikariPoolMXBean();
          boolean busy = mx != null && mx.getActiveConnections() > 0;
          if (!busy && now - entry.lastUsed().get() > idle) {
            if (pools.remove(id, entry)) {
              entry.pool().close();
            }
          }
        });
  }

  private HikariDataSource build(TenantId tenant, DatabaseId id, ConnectionSpec spec) {
    var config = new HikariConfig();
    config.setPoolName("target-" + id);
    config.setDataSource(
        new CappedDataSource(
            spec,
            policy,
            settings,
            tenantPermits.computeIfAbsent(
                tenant, t -> new Semaphore(settings.tenantConnections(), true)),
            () -> relieve(tenant, id),
            () -> capRefusals.put(tenant, System.nanoTime())));
    config.setMaximumPoolSize(settings.poolSize());
    config.setMinimumIdle(0);
    // Idle connections stay as long as the pool does, so an action every few minutes finds its
    // connection open instead of paying for a new one at its start.
    config.setIdleTimeout(Math.max(10_000, settings.poolIdle().toMillis()));
    config.setConnectionTimeout(Math.max(250, settings.connectTimeout().toMillis()));
    // A database that is down when the pool is built is reported on first use, not here.
    config.setInitializationFailTimeout(-1);
    return new HikariDataSource(config);
  }

  /**
   * The tenant's cap is reached and a connection to {@code wanted} is needed: closes the idle
   * connections of the tenant's pools that have nothing in use, so connections kept open for later
   * runs on one database never starve the runs due now on another.
   */
  private void relieve(TenantId tenant, DatabaseId wanted) {
    pools.forEach(
        (id, entry) -> {
          if (id.equals(wanted) || !entry.tenant().equals(tenant)) {
            return;
          }
          var mx = entry.pool().getHikariPoolMXBean();
          if (mx != null && mx.getIdleConnections() > 0 && mx.getActiveConnections() == 0) {
            mx.softEvictConnections();
          }
        });
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
    pools.values().forEach(e -> e.pool().close());
    pools.clear();
  }

  /**
   * Opens physical connections for Hikari, each holding one of the tenant's permits until it is
   * closed, so the tenant's cap counts real connections across all its pools.
   */
  private static final class CappedDataSource implements DataSource {
    private final String url;
    private final java.util.Properties properties;
    private final Semaphore permits;
    private final long waitMillis;
    private final int cap;
    private final Runnable relieve;
    private final Runnable onRefusal;

    CappedDataSource(
        ConnectionSpec spec,
        NetworkPolicy policy,
        Settings.Targets settings,
        Semaphore permits,
        Runnable relieve,
        Runnable onRefusal) {
      this.relieve = relieve;
      this.onRefusal = onRefusal;
      this.url = TargetConnections.jdbcUrl(spec);
      this.properties =
          TargetConnections.connectionProperties(spec, policy, settings.connectTimeout());
      this.properties.setProperty("ApplicationName", "hourglass");
      this.permits = permits;
      // Shorter than the pool's own wait, so the pool's time-out carries this cause.
      this.waitMillis = settings.connectTimeout().toMillis() / 2;
      this.cap = settings.tenantConnections();
    }

    @Override
    public Connection getConnection() throws SQLException {
      try {
        if (!permits.tryAcquire() && !relievedAndAcquired()) {
          onRefusal.run();
          throw new SQLException(
              "The team's limit of "
                  + cap
                  + " open connections across its databases is reached; try again when runs"
                  + " finish, or ask the operator to raise HOURGLASS_TARGETS_TENANT_CONNECTIONS.",
              CAP_REACHED);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SQLException("Interrupted while waiting for a connection", "57014", e);
      }
      Connection physical;
      try {
        physical = new org.postgresql.Driver().connect(url, properties);
      } catch (SQLException | RuntimeException e) {
        permits.release();
        throw e;
      }
      return releasingOnClose(physical, permits);
    }

    private boolean relievedAndAcquired() throws InterruptedException {
      relieve.run();
      return permits.tryAcquire(waitMillis, TimeUnit.MILLISECONDS);
    }

    private static Connection releasingOnClose(Connection physical, Semaphore permits) {
      var released = new AtomicBoolean();
      return (Connection)
          Proxy.newProxyInstance(
              Connection.class.getClassLoader(),
              new Class<?>[] {Connection.class},
              (proxy, method, args) -> {
                var name = method.getName();
                try {
                  return method.invoke(physical, args);
                } catch (InvocationTargetException e) {
                  throw e.getCause();
                } finally {
                  if ((name.equals("close") || name.equals("abort"))
                      && released.compareAndSet(false, true)) {
                    permits.release();
                  }
                }
              });
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      throw new SQLFeatureNotSupportedException("Credentials come from the registration");
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      throw new SQLException("Not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }
}
