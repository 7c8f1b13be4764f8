package dev.hourglass.testing;

import dev.hourglass.database.NetworkPolicy;
import dev.hourglass.database.internal.Fleet;
import dev.hourglass.platform.Settings;
import dev.hourglass.security.SecretBox;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The fleet wiring tests of other features need: pools and probe with short time-outs. */
public final class TestFleet {

  /** One all-zero test key; real installations generate theirs. */
  public static final SecretBox BOX = new SecretBox(Map.of("k1", new byte[32]), "k1");

  private TestFleet() {}

  /**
   * Pools of 2 per database, a tenant cap of 5, 5 s connect time-out, and a network policy that
   * protects nothing (the scratch targets run on this machine, like the control plane).
   */
  public static Fleet open(ControlPlaneDatabase db) {
    return new Fleet(
        NetworkPolicy.of(List.of(), List.of(), List.of()),
        new Settings.Targets(
            List.of(),
            List.of(),
            2,
            5,
            Duration.ofSeconds(30),
            Duration.ofSeconds(60),
            Duration.ofSeconds(5)),
        db.dataSource(),
        BOX);
  }
}
