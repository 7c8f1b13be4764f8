package dev.hourglass.schedule;

import static dev.hourglass.schedule.TestTimes.CREATED;
import static dev.hourglass.schedule.TestTimes.NO_JITTER;
import static dev.hourglass.schedule.TestTimes.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NextStartAfterSuccessTest {

  private final NextStartCalculator calculator = new NextStartCalculator(NO_JITTER);

  private static ActionSchedule fixed(String interval, String initialStart, String zone) {
    return ActionSchedule.every(Interval.parse(interval))
        .initialStart(at(initialStart))
        .timezone(zone)
        .build(CREATED);
  }

  private static ActionSchedule drifting(String interval, String zone) {
    return ActionSchedule.every(Interval.parse(interval))
        .fixedSchedule(false)
        .timezone(zone)
        .build(CREATED);
  }

  private Instant nextAfterSuccess(ActionSchedule schedule, String finish) {
    return ((NextStep.RunAt) calculator.afterSuccess(schedule, at(finish))).at();
  }

  @ParameterizedTest(name = "every {0} from {1}, finished {2}: next {3}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          1 hour     | 2026-01-01T00:00Z | 2026-05-10T10:20Z | 2026-05-10T11:00Z
          1 hour     | 2026-01-01T00:00Z | 2026-05-10T11:00Z | 2026-05-10T12:00Z
          1 hour     | 2026-01-01T00:17Z | 2026-05-10T10:20Z | 2026-05-10T11:17Z
          1 hour     | 2026-01-01T00:00Z | 2026-05-10T13:30Z | 2026-05-10T14:00Z
          15 minutes | 2026-01-01T00:05Z | 2026-05-10T10:21Z | 2026-05-10T10:35Z
          00:30:00   | 2026-01-01T00:10Z | 2026-05-10T10:39Z | 2026-05-10T10:40Z
          1 day      | 2026-01-01T03:00Z | 2026-05-10T05:00Z | 2026-05-11T03:00Z
          1 day      | 2026-01-01T03:00Z | 2026-05-10T02:59Z | 2026-05-10T03:00Z
          1 week     | 2026-01-05T06:00Z | 2026-05-13T00:00Z | 2026-05-18T06:00Z
          PT5M       | 2026-01-01T00:00Z | 2026-05-10T10:02Z | 2026-05-10T10:05Z
          1 day 02:00:00 | 2026-01-01T00:00Z | 2026-01-01T00:01Z | 2026-01-02T02:00Z
          """)
  void a_fixed_schedule_runs_at_the_first_slot_strictly_after_the_finish(
      String interval, String initialStart, String finish, String expected) {
    assertThat(nextAfterSuccess(fixed(interval, initialStart, null), finish))
        .isEqualTo(at(expected));
  }

  @ParameterizedTest(name = "monthly {0} from {1}, finished {2}: next {3}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          1 month   | 2026-01-31T00:00Z | 2026-01-31T00:05Z | 2026-02-28T00:00Z
          1 month   | 2026-01-31T00:00Z | 2026-02-28T00:05Z | 2026-03-31T00:00Z
          1 month   | 2026-01-31T00:00Z | 2026-03-31T00:05Z | 2026-04-30T00:00Z
          1 month   | 2028-01-31T00:00Z | 2028-01-31T01:00Z | 2028-02-29T00:00Z
          1 month   | 2028-01-31T00:00Z | 2028-02-29T00:05Z | 2028-03-31T00:00Z
          1 year    | 2028-02-29T12:00Z | 2028-02-29T12:30Z | 2029-02-28T12:00Z
          1 year    | 2028-02-29T12:00Z | 2029-02-28T12:30Z | 2030-02-28T12:00Z
          1 year    | 2028-02-29T12:00Z | 2031-02-28T12:30Z | 2032-02-29T12:00Z
          3 months  | 2026-02-15T00:00Z | 2026-02-15T00:10Z | 2026-05-15T00:00Z
          1 month   | 2026-01-20T00:00Z | 2026-01-20T00:05Z | 2026-02-20T00:00Z
          1 month   | 2026-01-20T00:00Z | 2026-03-03T00:00Z | 2026-04-20T00:00Z
          """)
  void a_monthly_fixed_schedule_steps_calendar_months_from_initial_start_like_timescaledb(
      String interval, String initialStart, String finish, String expected) {
    // The last row is TimescaleDB's month-bucket rule: finished on the 3rd, the 20th of that same
    // month is skipped because the next bucket after the finish is the following month.
    assertThat(nextAfterSuccess(fixed(interval, initialStart, null), finish))
        .isEqualTo(at(expected));
  }

  @ParameterizedTest(name = "{0} in {1} from {2}, finished {3}: next {4}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          1 day   | Europe/Berlin    | 2026-03-28T09:00+01:00 | 2026-03-28T09:05+01:00 | 2026-03-29T09:00+02:00
          1 day   | Europe/Berlin    | 2026-03-28T09:00+01:00 | 2026-03-29T09:05+02:00 | 2026-03-30T09:00+02:00
          1 day   | Europe/Berlin    | 2026-10-24T09:00+02:00 | 2026-10-24T09:05+02:00 | 2026-10-25T09:00+01:00
          1 day   | Europe/Berlin    | 2026-01-01T09:00+01:00 | 2026-10-25T09:05+01:00 | 2026-10-26T09:00+01:00
          1 day   | America/New_York | 2026-03-07T09:00-05:00 | 2026-03-07T09:05-05:00 | 2026-03-08T09:00-04:00
          1 day   | America/New_York | 2026-01-01T09:00-05:00 | 2026-03-08T09:05-04:00 | 2026-03-09T09:00-04:00
          1 day   | America/New_York | 2026-10-31T09:00-04:00 | 2026-10-31T09:05-04:00 | 2026-11-01T09:00-05:00
          1 week  | America/New_York | 2026-10-26T09:00-04:00 | 2026-10-26T09:05-04:00 | 2026-11-02T09:00-05:00
          1 hour  | Europe/Berlin    | 2026-03-29T00:00+01:00 | 2026-03-29T01:30+01:00 | 2026-03-29T03:00+02:00
          1 hour  | Europe/Berlin    | 2026-03-29T00:00+01:00 | 2026-03-29T03:10+02:00 | 2026-03-29T04:00+02:00
          1 hour  | Europe/Berlin    | 2026-10-25T00:00+02:00 | 2026-10-25T01:10+02:00 | 2026-10-25T02:00+02:00
          1 hour  | Europe/Berlin    | 2026-10-25T00:00+02:00 | 2026-10-25T02:10+01:00 | 2026-10-25T03:00+01:00
          1 month | Europe/Berlin    | 2026-01-31T09:00+01:00 | 2026-03-31T09:05+02:00 | 2026-04-30T09:00+02:00
          1 month | America/New_York | 2026-02-08T09:00-05:00 | 2026-02-08T09:05-05:00 | 2026-03-08T09:00-04:00
          1 day   | America/New_York | 2026-03-07T02:30-05:00 | 2026-03-07T02:35-05:00 | 2026-03-08T03:30-04:00
          """)
  void a_fixed_schedule_with_a_time_zone_keeps_the_local_wall_time_across_dst(
      String interval, String zone, String initialStart, String finish, String expected) {
    // The last row: 02:30 does not exist on spring-forward day, so PostgreSQL reads it with the
    // offset before the change, i.e. 03:30 summer time.
    assertThat(nextAfterSuccess(fixed(interval, initialStart, zone), finish))
        .isEqualTo(at(expected));
  }

  @ParameterizedTest(name = "drifting every {0} ({1}), finished {2}: next {3}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          1 hour       |               | 2026-05-10T10:17:33Z   | 2026-05-10T11:17:33Z
          5 minutes    |               | 2026-05-10T23:58Z      | 2026-05-11T00:03Z
          1 month      |               | 2026-01-31T10:00Z      | 2026-02-28T10:00Z
          1 mon 2 days |               | 2026-01-30T00:00Z      | 2026-03-02T00:00Z
          1 day        | Europe/Berlin | 2026-03-28T09:05+01:00 | 2026-03-29T09:05+02:00
          24 hours     | Europe/Berlin | 2026-03-28T09:05+01:00 | 2026-03-29T10:05+02:00
          """)
  void a_drifting_schedule_runs_one_interval_after_the_finish(
      String interval, String zone, String finish, String expected) {
    assertThat(nextAfterSuccess(drifting(interval, zone), finish)).isEqualTo(at(expected));
  }

  @Test
  void an_action_overdue_by_many_slots_runs_once_now_then_at_the_next_slot() {
    var schedule = fixed("1 hour", "2026-01-01T00:00Z", null);
    NextStep planned = new NextStep.RunAt(at("2026-05-10T08:00Z"));
    Instant backUp = at("2026-05-10T14:37Z");

    Optional<Instant> start = NextStartCalculator.startTime(planned, backUp);
    assertThat(start).contains(backUp);

    assertThat(calculator.afterSuccess(schedule, at("2026-05-10T14:38Z")))
        .isEqualTo(new NextStep.RunAt(at("2026-05-10T15:00Z")));
  }

  @ParameterizedTest(name = "planned {0}, scheduler looks at {1}: starts {2}")
  @CsvSource({
    "2026-05-10T08:00Z, 2026-05-10T14:37Z, 2026-05-10T14:37Z",
    "2026-05-10T15:00Z, 2026-05-10T14:37Z, 2026-05-10T15:00Z",
    "2026-05-10T15:00Z, 2026-05-10T15:00Z, 2026-05-10T15:00Z"
  })
  void an_overdue_start_runs_now_and_a_future_start_waits(
      String planned, String now, String expected) {
    assertThat(NextStartCalculator.startTime(new NextStep.RunAt(at(planned)), at(now)))
        .contains(at(expected));
  }

  @Test
  void a_paused_or_disabled_action_has_no_start_time() {
    assertThat(NextStartCalculator.startTime(new NextStep.Paused(), CREATED)).isEmpty();
    assertThat(NextStartCalculator.startTime(new NextStep.Disable("stopped"), CREATED)).isEmpty();
  }

  @Test
  void a_next_start_set_by_the_user_overrides_and_infinity_pauses() {
    assertThat(NextStartCalculator.requested(Optional.of(at("2026-07-01T12:00Z"))))
        .isEqualTo(new NextStep.RunAt(at("2026-07-01T12:00Z")));
    assertThat(NextStartCalculator.requested(Optional.empty())).isEqualTo(new NextStep.Paused());
  }

  @ParameterizedTest(name = "fixed={0}, initial_start={1}: first run {2}")
  @CsvSource({
    "true, , 2026-01-01T00:00Z",
    "true, 2026-02-01T06:00Z, 2026-02-01T06:00Z",
    "false, , 2026-01-01T00:00Z",
    "false, 2026-02-01T06:00Z, 2026-02-01T06:00Z"
  })
  void the_first_run_is_initial_start_or_at_once(
      boolean fixedSchedule, String initialStart, String expected) {
    var schedule =
        ActionSchedule.every(Interval.parse("1 hour"))
            .fixedSchedule(fixedSchedule)
            .initialStart(initialStart == null ? null : at(initialStart))
            .build(CREATED);
    assertThat(calculator.firstRun(schedule, CREATED)).isEqualTo(new NextStep.RunAt(at(expected)));
  }

  @Test
  void a_fixed_schedule_without_initial_start_uses_the_creation_time_as_its_grid_origin() {
    var schedule = ActionSchedule.every(Interval.parse("1 hour")).build(at("2026-01-01T00:20Z"));
    assertThat(schedule.initialStart()).isEqualTo(at("2026-01-01T00:20Z"));
    assertThat(nextAfterSuccess(schedule, "2026-01-01T05:00Z")).isEqualTo(at("2026-01-01T05:20Z"));
  }

  @Test
  void changing_a_fixed_schedule_moves_it_to_the_first_slot_after_now() {
    var schedule = fixed("1 day", "2026-01-01T03:00Z", null);
    assertThat(calculator.afterChange(schedule, Optional.empty(), at("2026-05-10T12:00Z")))
        .isEqualTo(new NextStep.RunAt(at("2026-05-11T03:00Z")));
  }

  @Test
  void changing_a_drifting_schedule_counts_from_the_last_finish_or_runs_at_once() {
    var schedule = drifting("1 hour", null);
    assertThat(
            calculator.afterChange(
                schedule, Optional.of(at("2026-05-10T11:30Z")), at("2026-05-10T12:00Z")))
        .isEqualTo(new NextStep.RunAt(at("2026-05-10T12:30Z")));
    assertThat(calculator.afterChange(schedule, Optional.empty(), at("2026-05-10T12:00Z")))
        .isEqualTo(new NextStep.RunAt(at("2026-05-10T12:00Z")));
  }

  @Test
  void a_preview_lists_the_next_slots_in_the_actions_zone() {
    var schedule = fixed("1 day", "2026-03-27T09:00+01:00", "Europe/Berlin");
    assertThat(calculator.preview(schedule, at("2026-03-27T10:00+01:00"), 3))
        .containsExactly(
            at("2026-03-28T09:00+01:00"),
            at("2026-03-29T09:00+02:00"),
            at("2026-03-30T09:00+02:00"));
  }

  @Test
  void a_preview_starts_with_an_initial_start_that_is_still_ahead() {
    var schedule = fixed("1 month", "2026-01-31T00:00Z", null);
    assertThat(calculator.preview(schedule, at("2026-01-01T00:00Z"), 4))
        .isEqualTo(
            List.of(
                at("2026-01-31T00:00Z"),
                at("2026-02-28T00:00Z"),
                at("2026-03-31T00:00Z"),
                at("2026-04-30T00:00Z")));
  }

  @Test
  void a_preview_of_ten_hourly_runs_has_ten_times_an_hour_apart() {
    var times =
        calculator.preview(fixed("1 hour", "2026-01-01T00:00Z", null), at("2026-05-10T10:20Z"), 10);
    assertThat(times).hasSize(10).first().isEqualTo(at("2026-05-10T11:00Z"));
    assertThat(times.get(9)).isEqualTo(at("2026-05-10T20:00Z"));
  }
}
