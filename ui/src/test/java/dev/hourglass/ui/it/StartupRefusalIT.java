package dev.hourglass.ui.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.infra.FreePorts;
import java.util.HashMap;
import org.junit.jupiter.api.Test;

/** The app refuses to start, and says why, when its configuration is missing or wrong. */
class StartupRefusalIT {

  @Test
  void a_missing_setting_stops_the_deployment_and_names_the_variable() throws Exception {
    var stack = HourglassStack.get();
    var env =
        new HashMap<>(
            stack.appEnvironment(
                "http://127.0.0.1:1", stack.keycloak.baseUrl(), "irrelevant-secret"));
    env.remove("HOURGLASS_OIDC_CLIENT_SECRET");

    assertThatThrownBy(() -> stack.startApp(FreePorts.pick(), env, "payara-missing-setting.log"))
        .hasMessageContaining("could not deploy");
    var log = java.nio.file.Files.readString(stack.workDir.resolve("payara-missing-setting.log"));
    assertThat(log)
        .contains(
            "Setting hourglass.oidc.client-secret (environment variable"
                + " HOURGLASS_OIDC_CLIENT_SECRET) is required but not set");
  }
}
