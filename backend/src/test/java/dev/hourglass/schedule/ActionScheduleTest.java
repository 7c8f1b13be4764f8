package dev.hourglass.schedule;

import static dev.hourglass.schedule.TestTimes.CREATED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.common.InvalidInputException;
import java.time.ZoneId;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ActionScheduleTest {

  private static void assertInvalid(ThrowingCallable call, String field, String phrase) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(field))
        .hasMessageContaining(phrase);
  }

  @Test
  void an_interval_schedule_defaults_to_timescaledbs_add_job_values() {
    var schedule = ActionSchedule.every(Interval.parse("1 hour")).build(CREATED);
    assertThat(schedule.fixedSchedule()).isTrue();
    assertThat(schedule.initialStart()).isEqualTo(CREATED);
    assertThat(schedule.timezoneIfAny()).isEmpty();
    assertThat(schedule.retryPeriod()).hasToString("00:05:00");
    assertThat(schedule.maxRetries()).isEqualTo(MaxRetries.UNLIMITED);
  }

  @Test
  void a_drifting_schedule_without_initial_start_has_none() {
    var schedule =
        ActionSchedule.every(Interval.parse("1 hour")).fixedSchedule(false).build(CREATED);
    assertThat(schedule.initialStartIfAny()).isEmpty();
  }

  @ParameterizedTest(name = "fixed every {0} is refused")
  @CsvSource({"'1 mon 2 days'", "'1 mon 01:00:00'", "'1 year 1 day'", "'P1MT1H'"})
  void a_fixed_schedule_refuses_months_mixed_with_days_or_time(String interval) {
    assertInvalid(
        () -> ActionSchedule.every(Interval.parse(interval)).build(CREATED),
        "schedule_interval",
        "month intervals cannot have day or time component");
  }

  @ParameterizedTest(name = "drifting every {0} is accepted")
  @CsvSource({"'1 mon 2 days'", "'1 mon 01:00:00'"})
  void a_drifting_schedule_accepts_months_mixed_with_days_or_time(String interval) {
    assertThat(ActionSchedule.every(Interval.parse(interval)).fixedSchedule(false).build(CREATED))
        .isNotNull();
  }

  @ParameterizedTest(name = "fixed every {0} is accepted")
  @CsvSource({"'1 mon'", "'3 months'", "'1 year'", "'1 day 02:00:00'", "'1 week'"})
  void a_fixed_schedule_accepts_months_alone_or_days_and_time(String interval) {
    assertThat(ActionSchedule.every(Interval.parse(interval)).build(CREATED)).isNotNull();
  }

  @ParameterizedTest(name = "time zone ''{0}'' is refused")
  @CsvSource({"Europe/Berln", "Mars/Olympus", "+01:00", "GMT+1", "''", "'   '"})
  void a_time_zone_must_be_an_iana_name(String zone) {
    assertInvalid(
        () -> ActionSchedule.every(Interval.parse("1 day")).timezone(zone).build(CREATED),
        "timezone",
        "IANA");
  }

  @ParameterizedTest(name = "time zone ''{0}'' reads as {1}")
  @CsvSource({
    "Europe/Berlin, Europe/Berlin",
    "europe/berlin, Europe/Berlin",
    "America/New_York, America/New_York",
    "' UTC ', UTC"
  })
  void an_iana_time_zone_is_accepted_ignoring_case(String zone, String expected) {
    assertThat(ActionSchedule.zone(zone)).isEqualTo(ZoneId.of(expected));
  }

  @ParameterizedTest(name = "max_retries {0} is refused")
  @CsvSource({"-2", "-100"})
  void max_retries_below_minus_one_is_refused(int maxRetries) {
    assertInvalid(() -> MaxRetries.of(maxRetries), "max_retries", "-1 for unlimited");
  }

  @Test
  void a_cron_schedule_cannot_drift() {
    assertInvalid(
        () -> ActionSchedule.cron(CronSpec.parse("0 3 * * *")).fixedSchedule(false).build(CREATED),
        "fixed_schedule",
        "cron schedule");
  }

  @Test
  void a_cron_schedule_without_initial_start_keeps_none() {
    var schedule = ActionSchedule.cron(CronSpec.parse("@daily")).build(CREATED);
    assertThat(schedule.initialStartIfAny()).isEmpty();
    assertThat(schedule.fixedSchedule()).isTrue();
  }

  @Test
  void a_fixed_interval_schedule_made_directly_needs_an_initial_start() {
    assertThatThrownBy(
            () ->
                new ActionSchedule(
                    Interval.parse("1 hour"),
                    true,
                    null,
                    null,
                    ActionSchedule.DEFAULT_RETRY_PERIOD,
                    MaxRetries.UNLIMITED))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
