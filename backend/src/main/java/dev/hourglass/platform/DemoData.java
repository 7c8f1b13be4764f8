package dev.hourglass.platform;

import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Seeds the local run with a team for the demo user of infra/keycloak/hourglass-realm.json, so a
 * newcomer lands on a populated app. Idempotent: runs at every start, inserts only what is missing.
 * Later capabilities extend it.
 */
public final class DemoData {

  /** The demo user's Keycloak id, fixed in the realm file. */
  public static final String DEMO_SUBJECT = "b8fb2f76-2cfe-46df-a54a-6dd1d5486d94";

  public static final UUID DEMO_TENANT = UUID.fromString("6f1d2c3b-0a9e-4f8d-b7c6-5e4d3c2b1a00");

  private DemoData() {}

  public static void ensure(DataSource dataSource, Clock clock) {
    var now = Timestamp.from(clock.instant());
    try (var c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (var person =
              c.prepareStatement(
                  """
                  insert into person (subject, username, display_name, email, first_seen, last_seen)
                  values (?, 'demo', 'Dana Demo', 'demo@hourglass.local', ?, ?)
                  on conflict (subject) do nothing
                  """);
          var tenant =
              c.prepareStatement(
                  """
                  insert into tenant (id, name, created_at, created_by) values (?, 'Demo Team', ?, ?)
                  on conflict (id) do nothing
                  """);
          var member =
              c.prepareStatement(
                  """
                  insert into membership (tenant_id, subject, role, joined_at)
                  values (?, ?, 'OWNER', ?) on conflict do nothing
                  """)) {
        person.setString(1, DEMO_SUBJECT);
        person.setTimestamp(2, now);
        person.setTimestamp(3, now);
        person.executeUpdate();
        tenant.setObject(1, DEMO_TENANT);
        tenant.setTimestamp(2, now);
        tenant.setString(3, DEMO_SUBJECT);
        tenant.executeUpdate();
        member.setObject(1, DEMO_TENANT);
        member.setString(2, DEMO_SUBJECT);
        member.setTimestamp(3, now);
        member.executeUpdate();
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StartupException("Could not seed the demo data: " + e.getMessage(), e);
    }
  }
}
