package dev.hourglass.testing;

import dev.hourglass.infra.PostgresServer;

/** One PostgreSQL server per test JVM, stopped when the JVM exits. */
final class SharedPostgres {

  private static PostgresServer server;

  private SharedPostgres() {}

  static synchronized PostgresServer get() {
    if (server == null) {
      server = PostgresServer.fromEnvironmentOrEmbedded();
      var started = server;
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "stop-test-postgres"));
    }
    return server;
  }
}
