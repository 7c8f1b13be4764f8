package dev.hourglass.ui.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class TimesTest {

  @Test
  void durations_read_in_the_largest_unit_that_keeps_them_short() {
    assertThat(Times.took(Duration.ofNanos(420_000))).isEqualTo("0.4 ms");
    assertThat(Times.took(Duration.ofNanos(12_900_000))).isEqualTo("12 ms");
    assertThat(Times.took(Duration.ofMillis(3_249))).isEqualTo("3.2 s");
    assertThat(Times.took(Duration.ofMillis(42_700))).isEqualTo("42 s");
    assertThat(Times.took(Duration.ofSeconds(245))).isEqualTo("4 min 5 s");
    assertThat(Times.took(Duration.ofMinutes(123))).isEqualTo("2 h 3 min");
  }

  @Test
  void a_run_that_started_before_its_slot_shows_a_negative_lag() {
    assertThat(Times.took(Duration.ofMillis(-12))).isEqualTo("-12 ms");
  }

  @Test
  void moments_read_in_the_viewers_zone_with_the_day_when_not_today() {
    var zone = ZoneId.of("Europe/Vienna");
    var now = Instant.parse("2026-11-26T14:00:00Z");
    assertThat(Times.moment(Instant.parse("2026-11-26T13:02:11Z"), zone, now))
        .isEqualTo("14:02:11");
    assertThat(Times.moment(Instant.parse("2026-11-03T08:15:00Z"), zone, now))
        .isEqualTo("3 Nov 09:15");
    assertThat(Times.exact(Instant.parse("2026-11-26T13:02:11.042Z"), zone))
        .isEqualTo("26 Nov 2026 14:02:11.042");
  }
}
