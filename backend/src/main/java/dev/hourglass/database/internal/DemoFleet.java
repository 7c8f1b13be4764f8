package dev.hourglass.database.internal;

import static dev.hourglass.common.Transactions.inTransaction;

import dev.hourglass.database.DatabaseId;
import dev.hourglass.database.SslMode;
import dev.hourglass.platform.DemoData;
import dev.hourglass.platform.Settings;
import dev.hourglass.security.SecretBox;
import dev.hourglass.tenant.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Registers the local run's demo databases (HOURGLASS_DEMO_TARGETS, written by ./hourglass run) in
 * the demo team, without a connection test: the fleet monitor checks them like any other. Only
 * missing names are added, so a person's own changes survive restarts.
 */
@ApplicationScoped
public class DemoFleet {

  private static final Logger LOG = Logger.getLogger(DemoFleet.class.getName());
  private static final Pattern ENTRY =
      Pattern.compile("([^=]{1,80})=([A-Za-z0-9.:_-]+):(\\d{1,5})/([A-Za-z0-9_]{1,63})");

  private Settings settings;
  private DataSource dataSource;
  private SecretBox box;
  private Clock clock;

  /** For CDI's client proxy only. */
  protected DemoFleet() {}

  @Inject
  public DemoFleet(Settings settings, DataSource dataSource, SecretBox box, Clock clock) {
    this.settings = settings;
    this.dataSource = dataSource;
    this.box = box;
    this.clock = clock;
  }

  /** Runs before the demo actions (action feature), which need these databases. */
  void seed(
      @Observes
          @jakarta.annotation.Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION)
          @Initialized(ApplicationScoped.class)
          Object ignored) {
    if (settings.demoData() && !settings.demoTargets().isEmpty()) {
      LOG.info(() -> "Demo databases registered: " + ensure(settings.demoTargets()));
    }
  }

  /** A demo database: connects as postgres without a password, as the local demo server allows. */
  record Entry(String name, String host, int port, String database) {}

  static List<Entry> parse(List<String> entries) {
    var result = new ArrayList<Entry>();
    for (var text : entries) {
      var m = ENTRY.matcher(text.strip());
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "HOURGLASS_DEMO_TARGETS entry '"
                + text
                + "' is not of the form name=host:port/database");
      }
      result.add(
          new Entry(m.group(1).strip(), m.group(2), Integer.parseInt(m.group(3)), m.group(4)));
    }
    return result;
  }

  /** Adds the entries missing from the demo team; returns how many it added. */
  public int ensure(List<String> entries) {
    var tenant = new TenantId(DemoData.DEMO_TENANT);
    return inTransaction(
        dataSource,
        DemoData.DEMO_SUBJECT,
        tenant.value(),
        "register the demo databases",
        c -> {
          int added = 0;
          for (var e : parse(entries)) {
            try (var exists =
                c.prepareStatement(
                    "select 1 from target_database where tenant_id = ? and lower(name) = lower(?)"
                        + " and archived_at is null")) {
              exists.setObject(1, tenant.value());
              exists.setString(2, e.name());
              try (var rs = exists.executeQuery()) {
                if (rs.next()) {
                  continue;
                }
              }
            }
            var id = DatabaseId.random();
            var sealed = box.seal("", StoredDatabase.passwordContext(tenant, id));
            var now = Timestamp.from(clock.instant());
            try (var ps =
                c.prepareStatement(
                    """
                    insert into target_database (id, tenant_id, name, environment, host, port,
                        database_name, username, password_sealed, password_key_id, ssl_mode,
                        created_at, created_by, updated_at)
                    values (?, ?, ?, 'demo', ?, ?, ?, 'postgres', ?, ?, ?, ?, ?, ?)
                    """)) {
              ps.setObject(1, id.value());
              ps.setObject(2, tenant.value());
              ps.setString(3, e.name());
              ps.setString(4, e.host());
              ps.setInt(5, e.port());
              ps.setString(6, e.database());
              ps.setBytes(7, sealed);
              ps.setString(8, SecretBox.keyIdOf(sealed));
              ps.setString(9, SslMode.DISABLE.name());
              ps.setTimestamp(10, now);
              ps.setString(11, DemoData.DEMO_SUBJECT);
              ps.setTimestamp(12, now);
              ps.executeUpdate();
            }
            added++;
          }
          return added;
        });
  }
}
