package dev.hourglass.alert.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class AlertTimesTest {

  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @Test
  void the_digest_goes_out_at_eight_local_time_today_or_else_tomorrow() {
    assertThat(AlertEvents.nextDigest(Instant.parse("2026-11-26T06:59:00Z"), BERLIN))
        .isEqualTo(Instant.parse("2026-11-26T07:00:00Z"));
    assertThat(AlertEvents.nextDigest(Instant.parse("2026-11-26T07:00:00Z"), BERLIN))
        .isEqualTo(Instant.parse("2026-11-27T07:00:00Z"));
  }

  @Test
  void the_digest_stays_at_eight_local_time_across_a_daylight_saving_change() {
    // Berlin moves to summer time on 2027-03-28: 08:00 is then 06:00 UTC.
    assertThat(AlertEvents.nextDigest(Instant.parse("2027-03-27T12:00:00Z"), BERLIN))
        .isEqualTo(Instant.parse("2027-03-28T06:00:00Z"));
  }

  @Test
  void mail_times_name_the_zone_and_its_abbreviation() {
    assertThat(AlertMails.time(Instant.parse("2026-11-26T17:40:00Z"), BERLIN))
        .isEqualTo("2026-11-26 18:40:00 CET (Europe/Berlin)");
  }

  @Test
  void html_in_an_error_message_is_escaped() {
    assertThat(AlertMails.esc("<script>alert('x')</script> & \"q\""))
        .isEqualTo("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
  }
}
