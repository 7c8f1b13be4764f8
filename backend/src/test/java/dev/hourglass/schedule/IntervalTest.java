package dev.hourglass.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.common.InvalidInputException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IntervalTest {

  @ParameterizedTest(name = "''{0}'' reads as {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          5 minutes              | 00:05:00
          1 hour                 | 01:00:00
          1 day                  | 1 day
          1 week                 | 7 days
          2 weeks                | 14 days
          1 month                | 1 mon
          1 mon                  | 1 mon
          2 mons                 | 2 mons
          2 months 3 days        | 2 mons 3 days
          1 year                 | 1 year
          1 year 2 months        | 1 year 2 mons
          00:30:00               | 00:30:00
          10:30                  | 10:30:00
          1 day 02:00:00         | 1 day 02:00:00
          1 day 1 hour           | 1 day 01:00:00
          90 minutes             | 01:30:00
          36 hours               | 36:00:00
          1h 30m                 | 01:30:00
          5min                   | 00:05:00
          250 ms                 | 00:00:00.25
          300                    | 00:05:00
          @ 1 hour               | 01:00:00
          '  5 MINUTES  '        | 00:05:00
          1.5 days               | 1 day 12:00:00
          1.5 months             | 1 mon 15 days
          1.5 years              | 1 year 6 mons
          P1D                    | 1 day
          PT5M                   | 00:05:00
          P2W                    | 14 days
          PT1.5S                 | 00:00:01.5
          P1Y2M3DT4H5M6S         | 1 year 2 mons 3 days 04:05:06
          pt36h                  | 36:00:00
          """)
  void interval_text_is_read_the_way_postgresql_reads_it(String text, String expected) {
    assertThat(Interval.parse(text)).hasToString(expected);
  }

  @ParameterizedTest(name = "''{0}'' is refused: {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          ''                | Enter an interval
          0 minutes         | is zero
          00:00:00          | is zero
          -5 minutes        | is negative
          5 minutes ago     | is negative
          5 fortnights      | unknown unit 'fortnights'
          minutes           | without a number
          5 5 minutes       | without a unit
          1:60              | 60 or more
          abc               | unknown unit 'abc'
          5 minutes!        | contains '!'
          P                 | not an ISO 8601 duration
          PT                | not an ISO 8601 duration
          P1X               | not an ISO 8601 duration
          """)
  void bad_interval_text_is_refused_naming_the_field_and_what_is_wrong(String text, String phrase) {
    assertThatThrownBy(() -> Interval.parse(text))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("schedule_interval"))
        .hasMessageContaining(phrase);
  }

  @ParameterizedTest(name = "{0} is refused for {1}")
  @CsvSource({"'0 seconds', retry_period", "'-1 day', retry_period", "'1 fortnight', retry_period"})
  void errors_name_the_field_the_caller_reads(String text, String field) {
    assertThatThrownBy(() -> Interval.parse(field, text))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(field));
  }

  @ParameterizedTest(name = "new Interval({0}, {1}, {2}) is refused")
  @CsvSource({"0, 0, 0", "-1, 0, 0", "0, -1, 0", "0, 0, -1", "1, -1, 0"})
  void zero_and_negative_intervals_cannot_be_made(int months, int days, long micros) {
    assertThatThrownBy(() -> new Interval(months, days, micros))
        .isInstanceOf(InvalidInputException.class);
  }

  @ParameterizedTest(name = "{0} × {1} = {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          00:05:00        | 2         | 00:10:00
          00:05:00        | 20        | 01:40:00
          00:05:00        | 1.125     | 00:05:37.5
          00:05:00        | 0.8828125 | 00:04:24.84375
          2 days          | 1.125     | 2 days 06:00:00
          1 day           | 0.8828125 | 21:11:15
          1 mon           | 5         | 5 mons
          1 mon           | 1.125     | 1 mon 3 days 18:00:00
          1 mon           | 0.8828125 | 26 days 11:37:30
          1 day 01:00:00  | 2         | 2 days 02:00:00
          """)
  void multiplying_cascades_fractions_down_like_postgresql_interval_mul(
      String interval, double factor, String expected) {
    assertThat(Interval.parse(interval).times(factor)).hasToString(expected);
  }

  @ParameterizedTest(name = "{0} compared with {1} is {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          1 mon     | 30 days   | 0
          1 mon     | 29 days   | 1
          1 day     | 24:00:00  | 0
          1 day     | 25:00:00  | -1
          5 hours   | 1 day     | -1
          1 year    | 360 days  | 0
          """)
  void comparison_counts_a_month_as_30_days_like_postgresql_interval_cmp(
      String left, String right, int sign) {
    assertThat(Integer.signum(Interval.parse(left).compareTo(Interval.parse(right))))
        .isEqualTo(sign);
  }

  @ParameterizedTest(name = "{0} mixes months with days or time: {1}")
  @CsvSource({
    "'1 mon', false",
    "'1 mon 2 days', true",
    "'1 mon 01:00', true",
    "'1 day 02:00', false"
  })
  void an_interval_knows_when_it_mixes_months_with_days_or_time(String text, boolean mixes) {
    assertThat(Interval.parse(text).mixesMonthsWithDaysOrTime()).isEqualTo(mixes);
  }
}
