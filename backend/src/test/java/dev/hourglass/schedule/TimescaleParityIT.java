package dev.hourglass.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.common.InvalidInputException;
import dev.hourglass.infra.TimescaleServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same schedule inputs given to a real TimescaleDB's add_job / alter_job (2.23, in PGlite) and
 * to Hourglass's schedule module: accepted or refused alike, and the same first next_start.
 */
class TimescaleParityIT {

  static TimescaleServer tsdb;

  @BeforeAll
  static void start() throws SQLException {
    tsdb = TimescaleServer.start(Path.of("target", "tsdb-parity"), Duration.ofSeconds(120));
    try (var c = connect();
        var s = c.createStatement()) {
      s.execute(
          "create or replace procedure public.tick(job_id integer, config jsonb)"
              + " language plpgsql as $$ begin null; end $$");
    }
  }

  @AfterAll
  static void stop() {
    tsdb.close();
  }

  static Connection connect() throws SQLException {
    return DriverManager.getConnection(tsdb.jdbcUrl(), tsdb.user(), tsdb.password());
  }

  private final NextStartCalculator calculator =
      new NextStartCalculator(RandomGenerator.of("L64X128MixRandom"));

  /** add_job with an initial_start: TimescaleDB's next_start and Hourglass's first run. */
  static Stream<Arguments> addJobs() {
    return Stream.of(
        Arguments.of("1 hour", "2027-03-28T00:30:00Z", true, "Europe/Berlin"),
        Arguments.of("1 day", "2027-01-31T10:00:00Z", false, null),
        Arguments.of("1 day", "2027-01-31T10:00:00Z", true, "America/New_York"),
        Arguments.of("1 month", "2027-01-31T23:00:00Z", true, "Europe/Berlin"),
        Arguments.of("15 minutes", "2020-01-01T00:00:00Z", true, null),
        Arguments.of("2 weeks", "2027-11-07T06:30:00Z", true, "America/New_York"));
  }

  @ParameterizedTest(name = "add_job {0} initial_start {1} fixed {2} timezone {3}")
  @MethodSource("addJobs")
  void add_job_gives_the_same_first_next_start(
      String interval, String initialStart, boolean fixed, String zone) throws SQLException {
    var start = Instant.parse(initialStart);
    Instant timescale;
    try (var c = connect()) {
      int job;
      try (var ps =
          c.prepareStatement(
              "select add_job('tick', ?::interval, initial_start => ?, fixed_schedule => ?,"
                  + " timezone => ?)")) {
        ps.setString(1, interval);
        ps.setTimestamp(2, Timestamp.from(start));
        ps.setBoolean(3, fixed);
        ps.setString(4, zone);
        try (var rs = ps.executeQuery()) {
          rs.next();
          job = rs.getInt(1);
        }
      }
      try (var ps =
          c.prepareStatement(
              "select next_start from timescaledb_information.jobs where job_id = ?")) {
        ps.setInt(1, job);
        try (var rs = ps.executeQuery()) {
          rs.next();
          timescale = rs.getTimestamp(1).toInstant();
        }
      }
    }
    var builder =
        ActionSchedule.every(Interval.parse(interval)).fixedSchedule(fixed).initialStart(start);
    if (zone != null) {
      builder.timezone(zone);
    }
    var hourglass =
        NextStartCalculator.startTime(
                calculator.firstRun(builder.build(Instant.now()), Instant.now()), Instant.MIN)
            .orElseThrow();
    assertThat(hourglass).isEqualTo(timescale);
  }

  /** alter_job moving a fixed schedule's origin into the past: the first slot after now. */
  static Stream<Arguments> realignments() {
    return Stream.of(
        Arguments.of("1 day", "2020-01-01T10:00:00Z", null),
        Arguments.of("1 day", "2020-07-01T08:00:00Z", "Europe/Berlin"),
        Arguments.of("6 hours", "2019-03-10T07:00:00Z", "America/New_York"),
        Arguments.of("1 week", "2021-02-01T05:00:00Z", null));
  }

  @ParameterizedTest(name = "alter_job {0} initial_start {1} timezone {2}")
  @MethodSource("realignments")
  void alter_job_realigns_to_the_same_next_slot(String interval, String origin, String zone)
      throws SQLException {
    Instant timescale;
    Instant now;
    try (var c = connect()) {
      int job;
      try (var ps =
          c.prepareStatement(
              "select add_job('tick', ?::interval, initial_start => '2030-01-01 00:00+00',"
                  + " timezone => ?)")) {
        ps.setString(1, interval);
        ps.setString(2, zone);
        try (var rs = ps.executeQuery()) {
          rs.next();
          job = rs.getInt(1);
        }
      }
      try (var rs = c.createStatement().executeQuery("select clock_timestamp()")) {
        rs.next();
        now = rs.getTimestamp(1).toInstant();
      }
      try (var ps =
          c.prepareStatement(
              "select next_start from alter_job(?, schedule_interval => ?::interval,"
                  + " initial_start => ?, timezone => ?)")) {
        ps.setInt(1, job);
        ps.setString(2, interval);
        ps.setTimestamp(3, Timestamp.from(Instant.parse(origin)));
        ps.setString(4, zone);
        try (var rs = ps.executeQuery()) {
          rs.next();
          timescale = rs.getTimestamp(1).toInstant();
        }
      }
    }
    var builder =
        ActionSchedule.every(Interval.parse(interval)).initialStart(Instant.parse(origin));
    if (zone != null) {
      builder.timezone(zone);
    }
    var step = calculator.afterChange(builder.build(now), Optional.empty(), now);
    assertThat(NextStartCalculator.startTime(step, now)).contains(timescale);
  }

  @Test
  void a_fixed_schedule_mixing_months_with_days_is_refused_by_both() throws SQLException {
    try (var c = connect();
        var s = c.createStatement()) {
      assertThatThrownBy(
              () ->
                  s.executeQuery(
                      "select add_job('tick', '1 month 2 days', initial_start => '2027-01-01',"
                          + " fixed_schedule => true)"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("month intervals cannot have day or time component");
    }
    assertThatThrownBy(
            () -> ActionSchedule.every(Interval.parse("1 month 2 days")).build(Instant.now()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("month intervals cannot have day or time component");
  }

  @Test
  void an_unknown_time_zone_is_refused_by_both() throws SQLException {
    try (var c = connect();
        var s = c.createStatement()) {
      assertThatThrownBy(
              () -> s.executeQuery("select add_job('tick', '1 day', timezone => 'Mars/Olympus')"))
          .isInstanceOf(SQLException.class);
    }
    assertThatThrownBy(() -> ActionSchedule.every(Interval.parse("1 day")).timezone("Mars/Olympus"))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo("timezone"));
  }

  @Test
  void zero_and_negative_intervals_are_refused_by_hourglass_where_timescaledb_accepts_them()
      throws SQLException {
    // TimescaleDB 2.23 stores such a job, which its scheduler would then run back to back (or
    // never reach a next slot); Hourglass refuses it, a deliberate difference (decision 0009).
    for (var bad : new String[] {"0 seconds", "-1 hour"}) {
      try (var c = connect();
          var s = c.createStatement();
          var rs = s.executeQuery("select add_job('tick', '" + bad + "')")) {
        assertThat(rs.next()).as("TimescaleDB accepts %s", bad).isTrue();
      }
      assertThatThrownBy(() -> Interval.parse(bad)).isInstanceOf(InvalidInputException.class);
    }
  }
}
