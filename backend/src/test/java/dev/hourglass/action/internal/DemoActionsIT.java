package dev.hourglass.action.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.action.Action;
import dev.hourglass.database.internal.DemoFleet;
import dev.hourglass.database.internal.JdbcDatabaseService;
import dev.hourglass.infra.PostgresServer;
import dev.hourglass.platform.DemoData;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.testing.ControlPlaneDatabase;
import dev.hourglass.testing.MutableClock;
import dev.hourglass.testing.TestFleet;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The local run's demo: demo databases get their actions, once, through the real services. */
class DemoActionsIT {

  @RegisterExtension static ControlPlaneDatabase db = new ControlPlaneDatabase();

  @Test
  void the_demo_databases_get_three_actions_once_written_through_the_services() throws Exception {
    try (var targets = PostgresServer.embedded(null, 0)) {
      targets.createDatabaseIfMissing("demo_sales");
      targets.createDatabaseIfMissing("demo_metrics");
      var clock = new MutableClock(Instant.parse("2026-11-26T09:00:00Z"));
      var box = TestFleet.BOX;
      DemoData.ensure(db.ownerDataSource(), clock);
      var at = "127.0.0.1:" + targets.port();
      new DemoFleet(null, db.dataSource(), box, clock)
          .ensure(List.of("Sales=" + at + "/demo_sales", "Metrics=" + at + "/demo_metrics"));
      var fleet = TestFleet.open(db);
      try {
        var databases = new JdbcDatabaseService(db.dataSource(), clock, box, fleet);
        var authoring = new JdbcActionAuthoring(db.dataSource(), fleet.connections());
        var actions =
            new JdbcActionService(
                db.dataSource(),
                clock,
                fleet.connections(),
                authoring,
                RandomGenerator.of("L64X128MixRandom"));
        var demo = new DemoActions(null, databases, authoring, actions, clock);

        assertThat(demo.ensure()).isEqualTo(3);
        assertThat(demo.ensure()).as("a restart adds nothing").isZero();

        var tenant = new TenantId(DemoData.DEMO_TENANT);
        var all = actions.list(DemoActions.DEMO, tenant, Optional.empty());
        assertThat(all)
            .extracting(Action::jobName)
            .containsExactly("Import partner feed", "Refresh sales summary", "Roll up metrics");
        assertThat(all).allSatisfy(a -> assertThat(a.status()).isEqualTo(Action.Status.ACTIVE));

        var refresh = all.get(1);
        assertThat(actions.runNow(DemoActions.DEMO, tenant, refresh.id()).succeeded()).isTrue();
      } finally {
        fleet.close();
      }
    }
  }
}
