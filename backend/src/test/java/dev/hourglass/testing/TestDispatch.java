package dev.hourglass.testing;

import dev.hourglass.platform.Settings;
import java.time.Duration;

/**
 * Dispatch settings for tests: short claim, heartbeat and crash times, so a test sees runs claimed,
 * beats and crashes within seconds rather than the production defaults' minutes.
 */
public final class TestDispatch {

  private TestDispatch() {}

  /** 4 workers, 4 runs per tenant, 2 per database, half a second of look-ahead. */
  public static Settings.Dispatch quick() {
    return quick(4, 4, Duration.ofMillis(500));
  }

  public static Settings.Dispatch quick(int workers, int tenantRuns, Duration lookahead) {
    return new Settings.Dispatch(
        true,
        workers,
        tenantRuns,
        2,
        100,
        lookahead,
        Duration.ofMillis(50),
        Duration.ofMillis(300),
        Duration.ofSeconds(3),
        Duration.ofSeconds(1));
  }
}
