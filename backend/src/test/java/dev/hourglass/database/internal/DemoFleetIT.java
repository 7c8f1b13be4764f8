package dev.hourglass.database.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.database.RegisteredDatabase;
import dev.hourglass.platform.DemoData;
import dev.hourglass.security.Caller;
import dev.hourglass.security.SecretBox;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.testing.ControlPlaneDatabase;
import dev.hourglass.testing.MutableClock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DemoFleetIT {

  @RegisterExtension static ControlPlaneDatabase db = new ControlPlaneDatabase();

  @Test
  void the_demo_databases_are_registered_once_in_the_demo_team() {
    var clock = new MutableClock(Instant.parse("2026-11-26T09:00:00Z"));
    DemoData.ensure(db.ownerDataSource(), clock);
    var box = new SecretBox(Map.of("k1", new byte[32]), "k1");
    var demo = new DemoFleet(null, db.dataSource(), box, clock);
    var entries = List.of("Sales=127.0.0.1:5999/demo_sales", "Legacy reports=127.0.0.1:1/legacy");

    assertThat(demo.ensure(entries)).isEqualTo(2);
    assertThat(demo.ensure(entries)).as("a restart adds nothing").isZero();

    var caller = new Caller(DemoData.DEMO_SUBJECT, "demo", "Dana Demo", "demo@hourglass.local");
    var fleet =
        new JdbcDatabaseService(db.dataSource(), clock, box, null)
            .list(caller, new TenantId(DemoData.DEMO_TENANT));
    assertThat(fleet)
        .extracting(RegisteredDatabase::name, RegisteredDatabase::address)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("Legacy reports", "127.0.0.1:1/legacy"),
            org.assertj.core.groups.Tuple.tuple("Sales", "127.0.0.1:5999/demo_sales"));
  }

  @Test
  void a_malformed_entry_is_named() {
    assertThatThrownBy(() -> DemoFleet.parse(List.of("Sales@host")))
        .hasMessageContaining("'Sales@host'")
        .hasMessageContaining("name=host:port/database");
  }
}
