package dev.hourglass.schedule;

import static dev.hourglass.schedule.TestTimes.CREATED;
import static dev.hourglass.schedule.TestTimes.NO_JITTER;
import static dev.hourglass.schedule.TestTimes.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.schedule.TestTimes.FixedDraw;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NextStartAfterFailureTest {

  private static final Instant FINISH = at("2026-05-10T12:00Z");

  private static ActionSchedule drifting(String interval, String retryPeriod) {
    return ActionSchedule.every(Interval.parse(interval))
        .fixedSchedule(false)
        .retryPeriod(Interval.parse("retry_period", retryPeriod))
        .build(CREATED);
  }

  private static Duration waitAfterFailure(
      NextStartCalculator calculator, ActionSchedule schedule, Instant finish, int failures) {
    var step = (NextStep.RunAt) calculator.afterFailure(schedule, finish, failures);
    return Duration.between(finish, step.at());
  }

  @ParameterizedTest(name = "every {0}, retry {1}, failure #{2}: wait {3}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          1 hour     | 5 minutes  | 1  | PT5M
          1 hour     | 5 minutes  | 2  | PT10M
          1 hour     | 5 minutes  | 5  | PT25M
          1 hour     | 5 minutes  | 20 | PT1H40M
          1 hour     | 5 minutes  | 25 | PT1H40M
          1 hour     | 5 minutes  | 1000 | PT1H40M
          1 hour     | 1 hour     | 1  | PT1H
          1 hour     | 1 hour     | 5  | PT5H
          1 hour     | 1 hour     | 6  | PT5H
          1 hour     | 1 hour     | 25 | PT5H
          10 minutes | 10 minutes | 2  | PT20M
          10 minutes | 10 minutes | 6  | PT50M
          1 day      | 1 hour     | 20 | PT20H
          1 day      | 12 hours   | 20 | PT120H
          """)
  void a_failure_waits_retry_period_times_failures_up_to_20_capped_at_5_intervals(
      String interval, String retryPeriod, int failures, Duration expected) {
    var calculator = new NextStartCalculator(NO_JITTER);
    assertThat(waitAfterFailure(calculator, drifting(interval, retryPeriod), FINISH, failures))
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "draw {0}: 5 minutes becomes {1}")
  @CsvSource({
    "0, PT5M37.5S",
    "8, PT5M18.75S",
    "15, PT5M2.34375S",
    "16, PT5M",
    "17, PT4M57.65625S",
    "31, PT4M24.84375S"
  })
  void jitter_is_timescaledbs_16_minus_a_draw_of_0_to_31_over_128(int draw, Duration expected) {
    var calculator = new NextStartCalculator(new FixedDraw(draw));
    assertThat(waitAfterFailure(calculator, drifting("1 hour", "5 minutes"), FINISH, 1))
        .isEqualTo(expected);
  }

  @Test
  void jitter_stays_between_minus_15_and_plus_16_128ths_and_reaches_both_ends() {
    var calculator = new NextStartCalculator(new SplittableRandom(20261126));
    var schedule = drifting("1 hour", "5 minutes");
    var seen = new HashSet<Duration>();
    for (int i = 0; i < 5_000; i++) {
      seen.add(waitAfterFailure(calculator, schedule, FINISH, 2));
    }
    Duration base = Duration.ofMinutes(10);
    assertThat(seen)
        .allSatisfy(
            wait ->
                assertThat(wait)
                    .isBetween(
                        Duration.ofNanos(base.toNanos() * 113 / 128),
                        Duration.ofNanos(base.toNanos() * 144 / 128)))
        .contains(
            Duration.ofNanos(base.toNanos() * 113 / 128),
            Duration.ofNanos(base.toNanos() * 144 / 128))
        .hasSize(32);
  }

  @Test
  void jitter_applies_after_the_cap() {
    var calculator = new NextStartCalculator(new FixedDraw(0));
    assertThat(waitAfterFailure(calculator, drifting("1 hour", "1 hour"), FINISH, 10))
        .isEqualTo(Duration.ofSeconds(5 * 3600 * 9 / 8));
  }

  @ParameterizedTest(name = "slots {0} from {1}, failure #{2} at {3}: next {4}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          1 hour | 2026-01-01T00:00Z | 1 | 2026-05-10T10:50Z | 2026-05-10T10:55Z
          1 hour | 2026-01-01T00:00Z | 5 | 2026-05-10T10:50Z | 2026-05-10T11:00Z
          1 hour | 2026-01-01T00:00Z | 2 | 2026-05-10T10:50Z | 2026-05-10T11:00Z
          1 day  | 2026-01-01T03:00Z | 20 | 2026-05-10T03:01Z | 2026-05-10T04:41Z
          1 day  | 2026-01-01T03:00Z | 20 | 2026-05-10T02:00Z | 2026-05-10T03:00Z
          """)
  void on_a_fixed_schedule_a_retry_is_never_later_than_the_next_slot(
      String interval, String initialStart, int failures, String finish, String expected) {
    var schedule =
        ActionSchedule.every(Interval.parse(interval))
            .initialStart(at(initialStart))
            .build(CREATED);
    var calculator = new NextStartCalculator(NO_JITTER);
    assertThat(calculator.afterFailure(schedule, at(finish), failures))
        .isEqualTo(new NextStep.RunAt(at(expected)));
  }

  @Test
  void a_retry_capped_by_the_next_slot_ignores_positive_jitter() {
    var schedule =
        ActionSchedule.every(Interval.parse("1 hour")).initialStart(CREATED).build(CREATED);
    var calculator = new NextStartCalculator(new FixedDraw(0));
    assertThat(calculator.afterFailure(schedule, at("2026-05-10T10:55Z"), 1))
        .isEqualTo(new NextStep.RunAt(at("2026-05-10T11:00Z")));
  }

  @ParameterizedTest(name = "every {0}, retry {1}, crash #{2} noticed at noon: next {3}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          1 hour    | 5 minutes | 1  | 16 | 2026-05-10T12:05Z
          1 hour    | 5 minutes | 1  | 31 | 2026-05-10T12:05Z
          1 hour    | 1 minute  | 1  | 16 | 2026-05-10T12:05Z
          1 hour    | 1 minute  | 4  | 16 | 2026-05-10T12:05Z
          1 hour    | 5 minutes | 3  | 16 | 2026-05-10T12:15Z
          1 hour    | 5 minutes | 25 | 16 | 2026-05-10T13:40Z
          1 minute  | 1 minute  | 20 | 16 | 2026-05-10T12:05Z
          """)
  void after_a_crash_the_action_waits_the_backoff_but_at_least_five_minutes(
      String interval, String retryPeriod, int crashes, int draw, String expected) {
    var calculator = new NextStartCalculator(new FixedDraw(draw));
    assertThat(calculator.afterCrash(drifting(interval, retryPeriod), FINISH, crashes))
        .isEqualTo(new NextStep.RunAt(at(expected)));
  }

  @Test
  void on_a_fixed_schedule_the_crash_minimum_beats_the_next_slot_cap() {
    var schedule =
        ActionSchedule.every(Interval.parse("1 hour")).initialStart(CREATED).build(CREATED);
    var calculator = new NextStartCalculator(NO_JITTER);
    assertThat(calculator.afterCrash(schedule, at("2026-05-10T11:58Z"), 3))
        .isEqualTo(new NextStep.RunAt(at("2026-05-10T12:03Z")));
  }

  @ParameterizedTest(name = "max_retries {0}, failure #{1}: disabled {2}")
  @CsvSource({
    "-1, 1, false",
    "-1, 100, false",
    "0, 1, true",
    "0, 50, true",
    "1, 1, true",
    "3, 1, false",
    "3, 2, false",
    "3, 3, true",
    "3, 4, true"
  })
  void the_action_stops_after_max_retries_consecutive_failures(
      int maxRetries, int failures, boolean disabled) {
    // max_retries 0 means no retries (issue 4); TimescaleDB's code would keep retrying.
    var schedule =
        ActionSchedule.every(Interval.parse("1 hour")).maxRetries(maxRetries).build(CREATED);
    NextStep step = new NextStartCalculator(NO_JITTER).afterFailure(schedule, FINISH, failures);
    if (disabled) {
      assertThat(step)
          .isInstanceOfSatisfying(
              NextStep.Disable.class,
              d ->
                  assertThat(d.reason())
                      .contains(failures + " failure", "in a row", "max retries is " + maxRetries)
                      .contains("resume"));
    } else {
      assertThat(step).isInstanceOf(NextStep.RunAt.class);
    }
  }

  @Test
  void crashes_do_not_count_towards_max_retries() {
    var schedule = ActionSchedule.every(Interval.parse("1 hour")).maxRetries(1).build(CREATED);
    assertThat(new NextStartCalculator(NO_JITTER).afterCrash(schedule, FINISH, 5))
        .isInstanceOf(NextStep.RunAt.class);
  }

  @ParameterizedTest(name = "{0} consecutive failures is refused")
  @CsvSource({"0", "-1"})
  void a_failure_count_below_one_is_a_programming_error(int failures) {
    var calculator = new NextStartCalculator(NO_JITTER);
    var schedule = drifting("1 hour", "5 minutes");
    assertThatThrownBy(() -> calculator.afterFailure(schedule, FINISH, failures))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> calculator.afterCrash(schedule, FINISH, failures))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "cron {0}, failure #{1} at {2}: next {3}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          0 * * * *  | 1  | 2026-05-10T10:50Z | 2026-05-10T10:55Z
          0 * * * *  | 3  | 2026-05-10T10:50Z | 2026-05-10T11:00Z
          0 3 * * *  | 2  | 2026-05-10T03:01Z | 2026-05-10T03:11Z
          0 3 * * *  | 20 | 2026-05-10T03:01Z | 2026-05-10T04:41Z
          */10 * * * * | 20 | 2026-05-10T03:01Z | 2026-05-10T03:10Z
          """)
  void a_cron_retry_backs_off_like_a_fixed_schedule_capped_by_the_next_cron_time(
      String cron, int failures, String finish, String expected) {
    var schedule = ActionSchedule.cron(CronSpec.parse(cron)).build(CREATED);
    assertThat(new NextStartCalculator(NO_JITTER).afterFailure(schedule, at(finish), failures))
        .isEqualTo(new NextStep.RunAt(at(expected)));
  }
}
