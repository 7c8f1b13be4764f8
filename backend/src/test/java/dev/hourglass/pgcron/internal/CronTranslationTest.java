package dev.hourglass.pgcron.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.action.Action;
import dev.hourglass.action.ActionConfig;
import dev.hourglass.action.ActionId;
import dev.hourglass.action.Routine;
import dev.hourglass.action.RoutineName;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.pgcron.PgCronEquivalent;
import dev.hourglass.pgcron.PgCronVersion;
import dev.hourglass.schedule.ActionSchedule;
import dev.hourglass.schedule.CronSpec;
import dev.hourglass.schedule.Interval;
import dev.hourglass.tenant.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronTranslationTest {

  static final PgCronVersion V14 = PgCronVersion.parse("1.4-1");
  static final PgCronVersion V16 = PgCronVersion.parse("1.6");
  static final ZoneId GMT = ZoneId.of("GMT");
  static final Instant CREATED = Instant.parse("2026-11-26T09:00:00Z");

  static ActionSchedule every(String interval, String initialStart, String zone) {
    return ActionSchedule.every(Interval.parse(interval))
        .initialStart(initialStart == null ? null : Instant.parse(initialStart))
        .timezone(zone)
        .build(CREATED);
  }

  static Action action(ActionSchedule schedule, Routine.Kind kind, String config) {
    var now = CREATED;
    return new Action(
        ActionId.random(),
        1234,
        TenantId.random(),
        DatabaseId.random(),
        "Shop",
        "Nightly",
        new RoutineName("public", "O'Brien \"job\""),
        kind,
        new ActionConfig(config),
        Optional.empty(),
        schedule,
        true,
        Duration.ZERO,
        Optional.of(now),
        0,
        Optional.empty(),
        1,
        now,
        now);
  }

  static Optional<String> cron(ActionSchedule s, PgCronVersion v) {
    var r = CronTranslation.schedule(s, v, GMT);
    assertThat(r.cron().isPresent()).isNotEqualTo(r.reason().isPresent());
    return r.cron();
  }

  static String reason(ActionSchedule s, PgCronVersion v) {
    return CronTranslation.schedule(s, v, GMT).reason().orElseThrow();
  }

  @ParameterizedTest(name = "{0} from {1} in {2} is {3}")
  @CsvSource(
      delimiter = '|',
      value = {
        "1 minute   | 2026-11-26T09:00:00Z |               | * * * * *",
        "5 minutes  | 2026-11-26T09:00:00Z |               | */5 * * * *",
        "15 minutes | 2026-11-26T09:07:00Z |               | 7,22,37,52 * * * *",
        "00:30:00   | 2026-11-26T09:10:00Z | UTC           | 10,40 * * * *",
        "1 hour     | 2026-11-26T09:20:00Z |               | 20 * * * *",
        "6 hours    | 2026-11-26T02:30:00Z |               | 30 2,8,14,20 * * *",
        "24 hours   | 2026-11-26T03:00:00Z |               | 0 3 * * *",
        "1 day      | 2026-11-26T03:15:00Z |               | 15 3 * * *",
        "7 days     | 2026-11-29T04:00:00Z |               | 0 4 * * 0",
        "1 mon      | 2026-11-05T01:00:00Z |               | 0 1 5 * *",
        "3 mons     | 2026-11-05T01:00:00Z |               | 0 1 5 2,5,8,11 *",
        "1 year     | 2026-02-10T00:00:00Z |               | 0 0 10 2 *",
        "15 minutes | 2026-11-26T09:00:00Z | Europe/Berlin | */15 * * * *",
        "1 hour     | 2026-11-26T09:05:00Z | Europe/Berlin | 5 * * * *",
        "15 minutes | 2026-11-26T09:00:00Z | Asia/Kolkata  | */15 * * * *",
      })
  void intervals_that_divide_cron_fields_on_a_matching_grid_become_cron(
      String interval, String initialStart, String zone, String expected) {
    assertThat(cron(every(interval, initialStart, zone), V14)).contains(expected);
  }

  @ParameterizedTest(name = "{0} from {1} in {2}: {3}")
  @CsvSource(
      delimiter = '|',
      value = {
        "7 minutes   | 2026-11-26T09:00:00Z |               | does not divide an hour",
        "90 minutes  | 2026-11-26T09:00:00Z |               | neither whole minutes",
        "5 hours     | 2026-11-26T09:00:00Z |               | does not divide a day",
        "2 days      | 2026-11-26T09:00:00Z |               | only 1 day and 7 days",
        "1 day       | 2026-11-26T09:00:00Z | Europe/Berlin | daylight saving",
        "2 hours     | 2026-11-26T09:00:00Z | Europe/Berlin | daylight saving",
        "5 minutes   | 2026-11-26T09:00:30Z |               | not on a whole minute",
        "1 mon       | 2026-01-31T09:00:00Z |               | day 31",
        "5 mons      | 2026-01-10T09:00:00Z |               | only 1, 2, 3, 4, 6 and 12 months",
        "1 day 01:00 | 2026-01-10T09:00:00Z |               | mixes days with a time",
        "30 seconds  | 2026-11-26T09:00:00Z |               | starts jobs at most once a minute",
        "90 seconds  | 2026-11-26T09:00:00Z |               | is not whole minutes",
        "1 hour      | 2026-11-26T09:00:00Z | Asia/Kolkata  | daylight saving or does not fit",
      })
  void other_intervals_are_not_expressible_with_the_reason(
      String interval, String initialStart, String zone, String why) {
    assertThat(reason(every(interval, initialStart, zone), V14)).contains(why);
  }

  @Test
  void a_finish_relative_schedule_is_not_expressible() {
    var drifting =
        ActionSchedule.every(Interval.parse("5 minutes")).fixedSchedule(false).build(CREATED);
    assertThat(reason(drifting, V14)).contains("finish-relative");
  }

  @Test
  void seconds_schedules_need_pg_cron_1_5() {
    var s = every("30 seconds", "2026-11-26T09:00:00Z", null);
    assertThat(reason(s, V14)).contains("came with pg_cron 1.5");
    assertThat(cron(s, V16)).contains("30 seconds");
  }

  @Test
  void cron_schedules_pass_through_in_gmt_and_the_last_day_needs_pg_cron_1_5() {
    var plain = ActionSchedule.cron(CronSpec.parse("0 3 * * 1-5")).build(CREATED);
    assertThat(cron(plain, V14)).contains("0 3 * * 1-5");
    var macro = ActionSchedule.cron(CronSpec.parse("@hourly")).build(CREATED);
    assertThat(cron(macro, V14)).contains("@hourly");
    var lastDay = ActionSchedule.cron(CronSpec.parse("0 0 $ * *")).build(CREATED);
    assertThat(reason(lastDay, V14)).contains("$ (last day of the month)");
    assertThat(cron(lastDay, V16)).contains("0 0 $ * *");
  }

  @Test
  void a_cron_schedule_in_a_daylight_saving_zone_is_expressible_only_without_hours_or_days() {
    var daily =
        ActionSchedule.cron(CronSpec.parse("0 3 * * *")).timezone("Europe/Berlin").build(CREATED);
    assertThat(reason(daily, V14)).contains("Europe/Berlin").contains("GMT");
    var everyFive =
        ActionSchedule.cron(CronSpec.parse("*/5 * * * *")).timezone("Europe/Berlin").build(CREATED);
    assertThat(cron(everyFive, V14)).contains("*/5 * * * *");
  }

  @Test
  void the_command_quotes_names_and_config_and_passes_the_action_job_id() {
    var s = every("1 day", "2026-11-26T03:00:00Z", null);
    assertThat(CronTranslation.command(action(s, Routine.Kind.PROCEDURE, "{\"who\": \"O'Hara\"}")))
        .isEqualTo("CALL \"public\".\"O'Brien \"\"job\"\"\"(1234, '{\"who\":\"O''Hara\"}'::jsonb)");
    assertThat(CronTranslation.command(action(s, Routine.Kind.FUNCTION, null)))
        .isEqualTo("SELECT \"public\".\"O'Brien \"\"job\"\"\"(1234, NULL::jsonb)");
  }

  @Test
  void the_statement_uses_schedule_in_database_unless_the_action_lives_in_the_cron_database() {
    var a = action(every("1 day", "2026-11-26T03:00:00Z", null), Routine.Kind.PROCEDURE, null);
    var elsewhere = CronTranslation.translate(a, V14, GMT, "shop", false, Optional.empty());
    assertThat(elsewhere.statement().orElseThrow())
        .startsWith("SELECT cron.schedule_in_database('hourglass-action-1234', '0 3 * * *', ")
        .endsWith(", 'shop');");
    var here = CronTranslation.translate(a, V14, GMT, "postgres", true, Optional.empty());
    assertThat(here.statement().orElseThrow())
        .startsWith("SELECT cron.schedule('hourglass-action-1234', '0 3 * * *', ");
  }

  @Test
  void the_losses_name_every_point_and_say_which_apply_to_this_action() {
    var drifting =
        ActionSchedule.every(Interval.parse("5 minutes"))
            .fixedSchedule(false)
            .timezone("Europe/Berlin")
            .maxRetries(3)
            .build(CREATED);
    var a = action(drifting, Routine.Kind.PROCEDURE, "{\"keep\": 1}");
    var losses = CronTranslation.translate(a, V14, GMT, "shop", false, Optional.empty()).losses();
    assertThat(losses)
        .extracting(PgCronEquivalent.Loss::topic)
        .containsExactly(
            "Retries and backoff",
            "max_runtime",
            "Config and check_config",
            "Time zone",
            "Drift-free or finish-relative",
            "Sub-minute schedules",
            "Overlap",
            "History and alerts");
    assertThat(losses.get(0).text()).contains("max_retries = 3");
    assertThat(losses.get(1).applies()).isFalse();
    assertThat(losses.get(2).applies()).isTrue();
    assertThat(losses.get(3).applies()).isTrue();
    assertThat(losses.get(4).applies()).isTrue();
    assertThat(losses.get(5).applies()).isFalse();
  }

  @Test
  void the_slot_of_a_pg_cron_run_is_the_latest_cron_time_at_or_before_its_start() {
    var every5 = CronSpec.parse("*/5 * * * *");
    assertThat(CronCatalog.slotOf(every5, Instant.parse("2026-11-26T09:10:00.250Z"), GMT))
        .contains(Instant.parse("2026-11-26T09:10:00Z"));
    assertThat(CronCatalog.slotOf(every5, Instant.parse("2026-11-26T09:13:59Z"), GMT))
        .contains(Instant.parse("2026-11-26T09:10:00Z"));
    var daily = CronSpec.parse("30 2 * * *");
    assertThat(CronCatalog.slotOf(daily, Instant.parse("2026-11-26T09:00:00Z"), GMT))
        .contains(Instant.parse("2026-11-26T02:30:00Z"));
    assertThat(CronCatalog.spec("5 seconds")).isEmpty();
  }
}
