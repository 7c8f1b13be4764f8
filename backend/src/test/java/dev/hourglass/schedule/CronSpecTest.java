package dev.hourglass.schedule;

import static dev.hourglass.schedule.TestTimes.CREATED;
import static dev.hourglass.schedule.TestTimes.NO_JITTER;
import static dev.hourglass.schedule.TestTimes.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.common.InvalidInputException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronSpecTest {

  @ParameterizedTest(name = "''{0}'' after {1} fires at {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          */5 * * * *       | 2026-05-10T10:02:30Z | 2026-05-10T10:05Z
          */5 * * * *       | 2026-05-10T10:05Z    | 2026-05-10T10:10Z
          0 3 * * *         | 2026-05-10T03:00Z    | 2026-05-11T03:00Z
          0 3 * * *         | 2026-05-10T02:59:59Z | 2026-05-10T03:00Z
          30 2 1 * *        | 2026-05-10T00:00Z    | 2026-06-01T02:30Z
          0 0 * * MON-FRI   | 2026-05-08T12:00Z    | 2026-05-11T00:00Z
          0 22 * * 1-5      | 2026-05-08T22:00Z    | 2026-05-11T22:00Z
          0 0 1,15 * *      | 2026-05-02T00:00Z    | 2026-05-15T00:00Z
          0 12 * JAN,JUL *  | 2026-05-10T00:00Z    | 2026-07-01T12:00Z
          0 12 * jan-mar *  | 2026-05-10T00:00Z    | 2027-01-01T12:00Z
          0 0 13 * 5        | 2026-05-10T00:00Z    | 2026-05-13T00:00Z
          0 0 13 * 5        | 2026-05-13T00:00Z    | 2026-05-15T00:00Z
          0 0 */2 * 1       | 2026-05-10T00:00Z    | 2026-05-11T00:00Z
          0 0 */2 * 1       | 2026-05-11T00:00Z    | 2026-05-25T00:00Z
          0 0 * * 7         | 2026-05-10T00:00Z    | 2026-05-17T00:00Z
          0 0 * * 0         | 2026-05-10T00:00Z    | 2026-05-17T00:00Z
          0 0 * * Sun       | 2026-05-10T00:00Z    | 2026-05-17T00:00Z
          0 0 * * 5-7       | 2026-05-10T00:00Z    | 2026-05-15T00:00Z
          1-10/3 * * * *    | 2026-05-10T10:00Z    | 2026-05-10T10:01Z
          1-10/3 * * * *    | 2026-05-10T10:01Z    | 2026-05-10T10:04Z
          1-10/3 * * * *    | 2026-05-10T10:10Z    | 2026-05-10T11:01Z
          5/15 * * * *      | 2026-05-10T10:50Z    | 2026-05-10T11:05Z
          0 9-17/4 * * *    | 2026-05-10T09:00Z    | 2026-05-10T13:00Z
          0 0 29 2 *        | 2026-05-10T00:00Z    | 2028-02-29T00:00Z
          @hourly           | 2026-05-10T10:02Z    | 2026-05-10T11:00Z
          @daily            | 2026-05-10T10:00Z    | 2026-05-11T00:00Z
          @midnight         | 2026-05-10T10:00Z    | 2026-05-11T00:00Z
          @weekly           | 2026-05-10T10:00Z    | 2026-05-17T00:00Z
          @monthly          | 2026-05-10T10:00Z    | 2026-06-01T00:00Z
          @yearly           | 2026-05-10T10:00Z    | 2027-01-01T00:00Z
          @ANNUALLY         | 2026-05-10T10:00Z    | 2027-01-01T00:00Z
          """)
  void cron_fires_at_the_first_matching_minute_strictly_after(
      String expression, String after, String expected) {
    assertThat(CronSpec.parse(expression).nextAfter(at(after), ZoneOffset.UTC))
        .isEqualTo(at(expected));
  }

  @ParameterizedTest(name = "''{0}'' after {1} fires at {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          0 0 $ * *    | 2028-02-10T00:00Z | 2028-02-29T00:00Z
          0 0 $ * *    | 2027-02-10T00:00Z | 2027-02-28T00:00Z
          0 0 $ * *    | 2026-04-15T00:00Z | 2026-04-30T00:00Z
          0 0 $ 2 *    | 2026-03-01T00:00Z | 2027-02-28T00:00Z
          0 0 $ 2 *    | 2027-03-01T00:00Z | 2028-02-29T00:00Z
          0 0 1,$ * *  | 2026-04-15T00:00Z | 2026-04-30T00:00Z
          0 0 1,$ * *  | 2026-04-30T00:00Z | 2026-05-01T00:00Z
          """)
  void a_dollar_in_day_of_month_is_the_last_day_of_the_month(
      String expression, String after, String expected) {
    assertThat(CronSpec.parse(expression).nextAfter(at(after), ZoneOffset.UTC))
        .isEqualTo(at(expected));
  }

  @ParameterizedTest(name = "''{0}'' in {1} after {2} fires at {3}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          30 2 * * *   | Europe/Berlin    | 2026-03-28T03:00+01:00 | 2026-03-29T03:00+02:00
          30 2 * * *   | Europe/Berlin    | 2026-03-29T03:00+02:00 | 2026-03-30T02:30+02:00
          0 2 * * *    | Europe/Berlin    | 2026-03-28T12:00+01:00 | 2026-03-29T03:00+02:00
          */15 * * * * | Europe/Berlin    | 2026-03-29T01:50+01:00 | 2026-03-29T03:00+02:00
          */15 * * * * | Europe/Berlin    | 2026-03-29T03:00+02:00 | 2026-03-29T03:15+02:00
          0 9 * * *    | Europe/Berlin    | 2026-03-28T09:00+01:00 | 2026-03-29T09:00+02:00
          30 2 * * *   | Europe/Berlin    | 2026-10-24T03:00+02:00 | 2026-10-25T02:30+02:00
          30 2 * * *   | Europe/Berlin    | 2026-10-25T02:30+02:00 | 2026-10-26T02:30+01:00
          */30 * * * * | Europe/Berlin    | 2026-10-25T02:45+02:00 | 2026-10-25T03:00+01:00
          */30 * * * * | Europe/Berlin    | 2026-10-25T02:10+01:00 | 2026-10-25T03:00+01:00
          0 9 * * *    | Europe/Berlin    | 2026-10-24T09:00+02:00 | 2026-10-25T09:00+01:00
          30 2 * * *   | America/New_York | 2026-03-07T12:00-05:00 | 2026-03-08T03:00-04:00
          0 9 * * *    | America/New_York | 2026-03-07T09:00-05:00 | 2026-03-08T09:00-04:00
          30 1 * * *   | America/New_York | 2026-10-31T12:00-04:00 | 2026-11-01T01:30-04:00
          30 1 * * *   | America/New_York | 2026-11-01T01:30-04:00 | 2026-11-02T01:30-05:00
          */20 1 * * * | America/New_York | 2026-11-01T01:40-04:00 | 2026-11-02T01:00-05:00
          0 9 * * *    | America/New_York | 2026-10-31T09:00-04:00 | 2026-11-01T09:00-05:00
          0 0 $ * *    | America/New_York | 2026-02-01T00:00-05:00 | 2026-02-28T00:00-05:00
          """)
  void cron_runs_on_local_time_firing_skipped_times_after_the_gap_and_repeated_times_once(
      String expression, String zone, String after, String expected) {
    assertThat(CronSpec.parse(expression).nextAfter(at(after), ZoneId.of(zone)))
        .isEqualTo(at(expected));
  }

  @ParameterizedTest(name = "''{0}'' is refused in field {1} naming ''{2}''")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          60 * * * *     | minute       | 60
          a * * * *      | minute       | a
          */0 * * * *    | minute       | */0
          5-1 * * * *    | minute       | 5-1
          1,,2 * * * *   | minute       | 1,,2
          $ * * * *      | minute       | $
          1.5 * * * *    | minute       | 1.5
          * 24 * * *     | hour         | 24
          * -1 * * *     | hour         | -1
          * * 0 * *      | day-of-month | 0
          * * 32 * *     | day-of-month | 32
          0 0 30 2 *     | day-of-month | never fires
          0 0 31 4,6 *   | day-of-month | never fires
          * * * 13 *     | month        | 13
          * * * FOO *    | month        | FOO
          * * * 0 *      | month        | 0
          * * * * 8      | day-of-week  | 8
          * * * * MOON   | day-of-week  | MOON
          * * * * 1-     | day-of-week  | 1-
          * * * * FRI-MON | day-of-week | FRI-MON
          * * * *        | cron         | 4 fields
          * * * * * *    | cron         | 6 fields
          @reboot        | cron         | @reboot
          @every         | cron         | @every
          """)
  void a_bad_cron_expression_is_refused_naming_the_field_and_the_token(
      String expression, String field, String token) {
    assertThatThrownBy(() -> CronSpec.parse(expression))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(field))
        .hasMessageContaining(token);
  }

  @Test
  void an_empty_cron_expression_is_refused() {
    assertThatThrownBy(() -> CronSpec.parse("  "))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("cron"));
  }

  @Test
  void a_cron_expression_keeps_its_text_and_compares_by_it() {
    assertThat(CronSpec.parse(" 0 3 * * * ").expression()).isEqualTo("0 3 * * *");
    assertThat(CronSpec.parse("0 3 * * *")).isEqualTo(CronSpec.parse("0 3 * * *"));
  }

  @Test
  void a_cron_schedule_runs_in_its_time_zone_after_success() {
    var schedule =
        ActionSchedule.cron(CronSpec.parse("0 9 * * *")).timezone("Europe/Berlin").build(CREATED);
    assertThat(
            new NextStartCalculator(NO_JITTER).afterSuccess(schedule, at("2026-03-28T09:05+01:00")))
        .isEqualTo(new NextStep.RunAt(at("2026-03-29T09:00+02:00")));
  }

  @Test
  void a_cron_schedule_first_runs_at_its_first_time_at_or_after_initial_start() {
    var calculator = new NextStartCalculator(NO_JITTER);
    var cron = CronSpec.parse("0 9 * * *");
    var withStart = ActionSchedule.cron(cron).initialStart(at("2026-06-01T09:00Z")).build(CREATED);
    assertThat(calculator.firstRun(withStart, CREATED))
        .isEqualTo(new NextStep.RunAt(at("2026-06-01T09:00Z")));
    var withoutStart = ActionSchedule.cron(cron).build(at("2026-06-01T09:00Z"));
    assertThat(calculator.firstRun(withoutStart, at("2026-06-01T09:00Z")))
        .isEqualTo(new NextStep.RunAt(at("2026-06-02T09:00Z")));
  }

  @Test
  void a_cron_preview_lists_the_next_ten_times() {
    var schedule =
        ActionSchedule.cron(CronSpec.parse("0 9 * * MON-FRI"))
            .timezone("America/New_York")
            .build(CREATED);
    var times =
        new NextStartCalculator(NO_JITTER).preview(schedule, at("2026-03-06T10:00-05:00"), 10);
    assertThat(times)
        .hasSize(10)
        .startsWith(at("2026-03-09T09:00-04:00"), at("2026-03-10T09:00-04:00"))
        .endsWith(at("2026-03-20T09:00-04:00"));
  }
}
