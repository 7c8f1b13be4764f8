package dev.hourglass.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsTest {

  private final Map<String, String> values = new HashMap<>(minimal());

  static Map<String, String> minimal() {
    return Map.of(
        "hourglass.db.url", "jdbc:postgresql://db:5432/hourglass",
        "hourglass.db.user", "hourglass",
        "hourglass.secrets.keys", "k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "hourglass.secrets.active-key", "k1",
        "hourglass.base-url", "https://hourglass.example.com/",
        "hourglass.oidc.provider-uri", "https://id.example.com/realms/hourglass",
        "hourglass.oidc.client-secret", "client-secret-value");
  }

  private Settings read() {
    return Settings.read(key -> Optional.ofNullable(values.get(key)));
  }

  @Test
  void minimal_settings_take_the_documented_defaults() {
    var s = read();
    assertThat(s.database().maxPoolSize()).isEqualTo(10);
    assertThat(s.database().password()).isEmpty();
    assertThat(s.baseUrl()).hasToString("https://hourglass.example.com");
    assertThat(s.oidc().clientId()).isEqualTo("hourglass");
    assertThat(s.mail().host()).isEqualTo("localhost");
    assertThat(s.mail().port()).isEqualTo(25);
    assertThat(s.mail().security()).isEqualTo(Settings.MailSecurity.NONE);
    assertThat(s.jobs().pollIntervalSeconds()).isEqualTo(5);
    assertThat(s.jobs().workers()).isEqualTo(4);
    assertThat(s.sessionTimeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(s.demoData()).isFalse();
    assertThat(s.database().appUser()).isEqualTo("hourglass_app");
    assertThat(s.targets().allow()).isEmpty();
    assertThat(s.targets().poolSize()).isEqualTo(3);
    assertThat(s.targets().tenantConnections()).isEqualTo(10);
    assertThat(s.targets().connectTimeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void address_ranges_are_read_as_a_comma_separated_list() {
    values.put("hourglass.targets.deny", " 10.0.0.0/8, ,192.168.0.0/16 ");
    assertThat(read().targets().deny()).containsExactly("10.0.0.0/8", "192.168.0.0/16");
  }

  @ParameterizedTest
  @CsvSource({
    "hourglass.db.url, HOURGLASS_DB_URL",
    "hourglass.db.user, HOURGLASS_DB_USER",
    "hourglass.base-url, HOURGLASS_BASE_URL",
    "hourglass.oidc.provider-uri, HOURGLASS_OIDC_PROVIDER_URI",
    "hourglass.oidc.client-secret, HOURGLASS_OIDC_CLIENT_SECRET",
    "hourglass.secrets.keys, HOURGLASS_SECRETS_KEYS",
    "hourglass.secrets.active-key, HOURGLASS_SECRETS_ACTIVE_KEY"
  })
  void a_missing_required_setting_is_named_with_its_environment_variable(
      String key, String variable) {
    values.remove(key);
    assertThatThrownBy(this::read)
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(key)
        .hasMessageContaining(variable)
        .hasMessageContaining("required");
  }

  @Test
  void a_blank_value_counts_as_missing() {
    values.put("hourglass.db.user", "   ");
    assertThatThrownBy(this::read).hasMessageContaining("HOURGLASS_DB_USER");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "hourglass.db.url|mysql://db/x|not a PostgreSQL JDBC URL",
        "hourglass.db.pool-size|ten|not a whole number",
        "hourglass.db.pool-size|1|outside the allowed range",
        "hourglass.base-url|ftp://x|not an http(s) URL",
        "hourglass.base-url|http://|not an http(s) URL",
        "hourglass.oidc.provider-uri|not a url|not a valid URL",
        "hourglass.mail.port|70000|outside the allowed range",
        "hourglass.mail.security|tls13|use one of none, starttls, ssl",
        "hourglass.mail.from|nobody|not a mail address",
        "hourglass.jobs.poll-interval-seconds|1|from 5 to 300",
        "hourglass.demo-data|maybe|use true or false",
        "hourglass.db.app-user|app-user;drop|not a plain role name",
        "hourglass.targets.pool-size|0|outside the allowed range"
      })
  void an_invalid_value_is_refused_with_what_to_use_instead(
      String key, String value, String expected) {
    values.put(key, value);
    assertThatThrownBy(this::read)
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(Settings.environmentVariable(key))
        .hasMessageContaining(expected)
        .satisfies(e -> assertThat(((ConfigurationException) e).key()).isEqualTo(key));
  }

  @Test
  void secrets_never_appear_in_the_printed_settings() {
    values.put("hourglass.db.password", "db-password-value");
    values.put("hourglass.mail.password", "mail-password-value");
    values.put("hourglass.db.app-password", "app-password-value");
    var printed = read().toString();
    assertThat(printed)
        .doesNotContain(
            "db-password-value",
            "mail-password-value",
            "client-secret-value",
            "app-password-value",
            "AAAAAAAAAAAAAAAA")
        .contains("password=***", "clientSecret=***");
  }

  @Test
  void environment_variable_names_follow_microprofile_config_mapping() {
    assertThat(Settings.environmentVariable("hourglass.oidc.provider-uri"))
        .isEqualTo("HOURGLASS_OIDC_PROVIDER_URI");
  }
}
