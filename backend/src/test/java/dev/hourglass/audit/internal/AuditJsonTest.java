package dev.hourglass.audit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.audit.AuditFields;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuditJsonTest {

  @Test
  void only_fields_that_changed_are_kept_on_either_side() {
    var diff =
        AuditJson.diff(
            AuditFields.of("name", "a", "port", 5432, "gone", "x"),
            AuditFields.of("name", "b", "port", 5432, "new", true));
    assertThat(diff.before()).isEqualTo("{\"gone\":\"x\",\"name\":\"a\"}");
    assertThat(diff.after()).isEqualTo("{\"name\":\"b\",\"new\":true}");
  }

  @Test
  void nothing_changed_gives_no_before_and_no_after() {
    var diff = AuditJson.diff(Map.of("a", 1), Map.of("a", 1));
    assertThat(diff.before()).isNull();
    assertThat(diff.after()).isNull();
  }

  @Test
  void secret_fields_are_masked_whatever_their_case_or_depth_and_a_change_still_shows() {
    var diff =
        AuditJson.diff(
            AuditFields.of("password", "old-pw", "config", AuditFields.json("{\"keep\":1}")),
            AuditFields.of(
                "password",
                "new-pw",
                "config",
                AuditFields.json(
                    "{\"keep\":2,\"nested\":{\"ClientSecret\":\"s1\",\"list\":[{\"apiKey\":\"k\"}]},"
                        + "\"url\":\"postgresql://me:hunter2@db:5432/x\"}")));
    assertThat(diff.before()).contains("\"password\":\"[secret]\"").doesNotContain("old-pw");
    assertThat(diff.after())
        .contains("\"password\":\"[secret, changed]\"")
        .contains("\"ClientSecret\":\"[secret]\"")
        .contains("\"apiKey\":\"[secret]\"")
        .contains("postgresql://me:[secret]@db:5432/x")
        .doesNotContain("new-pw")
        .doesNotContain("s1")
        .doesNotContain("hunter2");
  }

  @Test
  void optionals_times_and_durations_are_shown_as_text_and_null_stays_null() {
    var diff =
        AuditJson.diff(
            AuditFields.of("next", Optional.empty(), "took", Duration.ofSeconds(90)),
            AuditFields.of(
                "next", Optional.of(Instant.parse("2026-11-26T09:00:00Z")), "took", null));
    assertThat(diff.before()).isEqualTo("{\"next\":null,\"took\":\"PT1M30S\"}");
    assertThat(diff.after()).isEqualTo("{\"next\":\"2026-11-26T09:00:00Z\",\"took\":null}");
  }

  @Test
  void a_change_is_described_for_people_field_by_field() {
    assertThat(
            AuditJson.describe("{\"role\":\"VIEWER\",\"x\":1}", "{\"role\":\"EDITOR\",\"y\":[1]}"))
        .isEqualTo("role: VIEWER → EDITOR\nx: 1 → (removed)\ny: [1]");
  }
}
