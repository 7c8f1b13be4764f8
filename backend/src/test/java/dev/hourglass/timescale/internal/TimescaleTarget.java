package dev.hourglass.timescale.internal;

import dev.hourglass.action.internal.JdbcActionAuthoring;
import dev.hourglass.action.internal.JdbcActionService;
import dev.hourglass.database.ConnectionSpec;
import dev.hourglass.database.DatabaseDraft;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.database.NetworkPolicy;
import dev.hourglass.database.SslMode;
import dev.hourglass.database.internal.Fleet;
import dev.hourglass.database.internal.JdbcDatabaseService;
import dev.hourglass.infra.TimescaleServer;
import dev.hourglass.platform.Settings;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.testing.ControlPlaneDatabase;
import dev.hourglass.testing.TestFleet;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The wiring the timescale tests share: the fleet with pools of one connection (PGlite serves one
 * at a time), the action services and the timescale services over it.
 */
final class TimescaleTarget implements AutoCloseable {

  final Fleet fleet;
  final JdbcActionAuthoring authoring;
  final JdbcActionService actions;
  final JdbcTimescaleJobs jobs;
  final JdbcTemplates templates;
  final JdbcDatabaseService databases;

  TimescaleTarget(ControlPlaneDatabase db, Clock clock) {
    fleet =
        new Fleet(
            NetworkPolicy.of(List.of(), List.of(), List.of()),
            new Settings.Targets(
                List.of(),
                List.of(),
                1,
                5,
                Duration.ofSeconds(30),
                Duration.ofSeconds(60),
                Duration.ofSeconds(5)),
            db.dataSource(),
            TestFleet.BOX);
    databases = new JdbcDatabaseService(db.dataSource(), clock, TestFleet.BOX, fleet);
    authoring = new JdbcActionAuthoring(db.dataSource(), fleet.connections());
    actions =
        new JdbcActionService(
            db.dataSource(),
            clock,
            fleet.connections(),
            authoring,
            RandomGenerator.of("L64X128MixRandom"));
    jobs = new JdbcTimescaleJobs(db.dataSource(), fleet.connections(), actions, clock);
    templates = new JdbcTemplates(db.dataSource(), fleet.connections(), authoring, actions, clock);
  }

  /** Registers the PGlite TimescaleDB as a database of {@code tenant}. */
  DatabaseId register(Caller owner, TenantId tenant, String name, TimescaleServer tsdb) {
    return databases
        .register(
            owner,
            tenant,
            DatabaseDraft.of(
                name,
                "",
                new ConnectionSpec(
                    "127.0.0.1",
                    tsdb.port(),
                    "template1",
                    tsdb.user(),
                    tsdb.password(),
                    SslMode.DISABLE,
                    null)))
        .id();
  }

  static Connection connect(TimescaleServer tsdb) throws SQLException {
    return DriverManager.getConnection(tsdb.jdbcUrl(), tsdb.user(), tsdb.password());
  }

  /** Closes the pools, so the test's own connection to PGlite is not kept waiting. */
  @Override
  public void close() {
    fleet.close();
  }
}
