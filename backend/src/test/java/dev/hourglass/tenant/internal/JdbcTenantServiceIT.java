package dev.hourglass.tenant.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.common.UserFacingException;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.Role;
import dev.hourglass.tenant.TenantName;
import dev.hourglass.testing.ControlPlaneDatabase;
import dev.hourglass.testing.MutableClock;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JdbcTenantServiceIT {

  @RegisterExtension static ControlPlaneDatabase db = new ControlPlaneDatabase();

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T09:00:00Z"));
  private final JdbcTenantService tenants =
      new JdbcTenantService(
          db.dataSource(),
          clock,
          // No test here sends mail: nothing listens on this port.
          new dev.hourglass.mail.internal.JakartaMailGateway(
              new dev.hourglass.platform.Settings.Mail(
                  "127.0.0.1",
                  dev.hourglass.infra.FreePorts.pick(),
                  dev.hourglass.platform.Settings.MailSecurity.NONE,
                  "",
                  "",
                  "hourglass@example.com")),
          java.net.URI.create("http://hourglass.test"));

  private static Caller aPerson(String name) {
    return new Caller(
        UUID.randomUUID().toString(), name.toLowerCase(), name, name + "@example.com");
  }

  @Test
  void a_person_without_a_team_has_no_memberships() {
    assertThat(tenants.membershipsOf(aPerson("Ann"))).isEmpty();
  }

  @Test
  void creating_a_team_makes_the_creator_its_owner() {
    var ann = aPerson("Ann");
    var membership = tenants.createTenant(ann, new TenantName("Data Platform"));

    assertThat(membership.role()).isEqualTo(Role.OWNER);
    assertThat(tenants.membershipsOf(ann)).containsExactly(membership);
  }

  @Test
  void another_persons_team_is_not_visible() {
    var ann = aPerson("Ann");
    var bob = aPerson("Bob");
    tenants.createTenant(ann, new TenantName("Ann's team"));
    var bobs = tenants.createTenant(bob, new TenantName("Bob's team"));

    assertThat(tenants.membershipsOf(bob)).containsExactly(bobs);
  }

  @Test
  void teams_are_listed_by_name() {
    var ann = aPerson("Ann");
    tenants.createTenant(ann, new TenantName("zeta"));
    tenants.createTenant(ann, new TenantName("Alpha"));

    assertThat(tenants.membershipsOf(ann))
        .extracting(m -> m.tenant().name().value())
        .containsExactly("Alpha", "zeta");
  }

  @Test
  void a_second_team_with_the_same_name_is_refused_and_nothing_is_saved() throws SQLException {
    var ann = aPerson("Ann");
    tenants.createTenant(ann, new TenantName("Ops"));
    var before = count("tenant");

    assertThatThrownBy(() -> tenants.createTenant(ann, new TenantName("ops")))
        .isInstanceOf(UserFacingException.class)
        .hasMessage("You already own a team called 'ops'. Choose another name.");
    assertThat(count("tenant")).isEqualTo(before);
    assertThat(tenants.membershipsOf(ann)).hasSize(1);
  }

  @Test
  void signing_in_again_refreshes_the_name_and_last_seen() throws SQLException {
    var subject = UUID.randomUUID().toString();
    tenants.recordSignIn(new Caller(subject, "cleo", "Cleo", "cleo@example.com"));
    clock.advance(java.time.Duration.ofHours(2));
    tenants.recordSignIn(new Caller(subject, "cleo", "Cleo Smith", "cleo@example.com"));

    try (var c = db.ownerDataSource().getConnection();
        var ps =
            c.prepareStatement(
                "select display_name, last_seen > first_seen from person where subject = ?")) {
      ps.setString(1, subject);
      try (var rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("Cleo Smith");
        assertThat(rs.getBoolean(2)).isTrue();
      }
    }
  }

  private long count(String table) throws SQLException {
    try (var c = db.ownerDataSource().getConnection();
        var rs = c.createStatement().executeQuery("select count(*) from " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
