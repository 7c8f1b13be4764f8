package dev.hourglass.alert.internal;

import static dev.hourglass.testing.TeamBuilder.aPerson;
import static dev.hourglass.testing.TeamBuilder.aTeam;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.action.Action;
import dev.hourglass.action.ActionConfig;
import dev.hourglass.action.ActionDraft;
import dev.hourglass.action.RoutineName;
import dev.hourglass.action.internal.JdbcActionAuthoring;
import dev.hourglass.action.internal.JdbcActionService;
import dev.hourglass.alert.AlertKind;
import dev.hourglass.alert.AlertRule;
import dev.hourglass.alert.AlertRules;
import dev.hourglass.alert.AlertScope;
import dev.hourglass.common.AccessDeniedException;
import dev.hourglass.common.InvalidInputException;
import dev.hourglass.database.ConnectionSpec;
import dev.hourglass.database.DatabaseDraft;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.database.SslMode;
import dev.hourglass.database.internal.Fleet;
import dev.hourglass.database.internal.JdbcDatabaseService;
import dev.hourglass.dispatch.internal.Dispatcher;
import dev.hourglass.dispatch.internal.JdbcRunHistory;
import dev.hourglass.infra.FreePorts;
import dev.hourglass.infra.MailCatcher;
import dev.hourglass.mail.internal.JakartaMailGateway;
import dev.hourglass.platform.Settings;
import dev.hourglass.schedule.ActionSchedule;
import dev.hourglass.schedule.Interval;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.Role;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.testing.ControlPlaneDatabase;
import dev.hourglass.testing.MutableClock;
import dev.hourglass.testing.ScratchPostgres;
import dev.hourglass.testing.TestDispatch;
import dev.hourglass.testing.TestFleet;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Alerts end to end on real services: a failing procedure on a real target, run by the real
 * dispatcher, its outcome recorded with the alert in the same transaction, the outbox sending over
 * real SMTP (GreenMail), and time moved by a {@link MutableClock}.
 */
class AlertsIT {

  @RegisterExtension static ControlPlaneDatabase db = new ControlPlaneDatabase();

  static ScratchPostgres target;
  static String user;
  static String password;
  static MailCatcher smtp;

  static final URI BASE = URI.create("https://hourglass.example.com");

  @BeforeAll
  static void start() {
    target = ScratchPostgres.withoutSsl();
    password = ScratchPostgres.randomPassword();
    user = target.createUser("alerted", password);
    smtp = MailCatcher.start(0, 0);
  }

  @AfterAll
  static void stop() {
    smtp.close();
    target.close();
  }

  private final MutableClock clock =
      new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  private final List<Dispatcher> dispatchers = new ArrayList<>();
  private Fleet fleet;
  private JdbcActionAuthoring authoring;
  private JdbcActionService actions;
  private JdbcRunHistory history;
  private JdbcAlertService alerts;
  private AlertOutbox outbox;
  private AlertSweep sweep;

  private record Team(Caller owner, TenantId id, DatabaseId database, String databaseName) {}

  @BeforeEach
  void services() {
    fleet = TestFleet.open(db);
    authoring = new JdbcActionAuthoring(db.dataSource(), fleet.connections());
    actions =
        new JdbcActionService(
            db.dataSource(),
            clock,
            fleet.connections(),
            authoring,
            RandomGenerator.of("L64X128MixRandom"));
    history = new JdbcRunHistory(db.dataSource());
    alerts = new JdbcAlertService(db.dataSource(), clock);
    outbox = new AlertOutbox(db.dataSource(), clock, gateway(smtp.smtpPort()), BASE);
    sweep = new AlertSweep(db.dataSource(), clock);
    // The dispatcher and the outbox serve every team of the control plane, which the tests share:
    // earlier tests' actions stop, and their unsent mails are forgotten.
    try (var c = db.ownerDataSource().getConnection()) {
      c.createStatement().execute("update action set scheduled = false, next_start = null");
      c.createStatement().execute("delete from alert_delivery where sent_at is null");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void stopAll() {
    dispatchers.forEach(d -> d.stop(Duration.ofSeconds(5)));
    fleet.close();
  }

  private static JakartaMailGateway gateway(int port) {
    return new JakartaMailGateway(
        new Settings.Mail(
            "127.0.0.1", port, Settings.MailSecurity.NONE, "", "", "alerts@example.com"));
  }

  // --- arrangement ------------------------------------------------------------------------------

  private Team aTeamWithADatabase(String name) {
    var owner = aPerson("Olga");
    var team = aTeam(db, owner).id();
    var dbName = target.createDatabase(name, user);
    var database =
        new JdbcDatabaseService(db.dataSource(), clock, TestFleet.BOX, fleet)
            .register(
                owner,
                team,
                DatabaseDraft.of(
                    "Sales " + name,
                    "",
                    new ConnectionSpec(
                        target.host(),
                        target.port(),
                        dbName,
                        user,
                        password,
                        SslMode.DISABLE,
                        null)))
            .id();
    authoring.createRoutine(
        owner,
        team,
        database,
        """
        create table public.mode (fail boolean not null);
        insert into public.mode values (true);
        create procedure public.flaky(job_id integer, config jsonb) language plpgsql as $$
        begin
          if config ? 'sleep' then perform pg_sleep((config->>'sleep')::float); end if;
          if (select fail from public.mode) then
            raise exception 'partner feed is down' using errcode = 'HG001',
                  detail = 'HTTP 503 from feed.example.com', hint = 'Try again later.';
          end if;
        end $$;
        """);
    return new Team(owner, team, database, dbName);
  }

  /** An hourly action of flaky(), due now, retried after a minute. */
  private Action hourly(
      Team team, String name, String config, int maxRetries, Duration maxRuntime) {
    return actions.add(
        team.owner(),
        team.id(),
        new ActionDraft(
            team.database(),
            name,
            new RoutineName("public", "flaky"),
            new ActionConfig(config),
            Optional.empty(),
            ActionSchedule.every(Interval.parse("1 hour"))
                .initialStart(clock.instant())
                .retryPeriod(Interval.parse("1 minute"))
                .maxRetries(maxRetries)
                .build(clock.instant()),
            true,
            maxRuntime,
            Optional.empty()));
  }

  private Action hourly(Team team, String name) {
    return hourly(team, name, "{}", -1, Duration.ZERO);
  }

  private void succeedFromNowOn(Team team) {
    try (var c = target.admin(team.databaseName())) {
      c.createStatement().execute("update public.mode set fail = false");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static AlertRule rule(
      boolean onFailure,
      int consecutive,
      boolean onDisable,
      boolean onTimeout,
      boolean onMissed,
      boolean onUnreachable,
      boolean onRecovery,
      Duration quiet,
      boolean digest,
      String address) {
    return new AlertRule(
        onFailure,
        consecutive,
        onDisable,
        onTimeout,
        onMissed,
        Duration.ofMinutes(5),
        Duration.ofHours(1),
        onUnreachable,
        onRecovery,
        quiet,
        digest,
        Set.of(),
        List.of(address));
  }

  private static String anAddress() {
    return "ops-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
  }

  private Dispatcher dispatcher() {
    var d =
        new Dispatcher(
            db.dataSource(),
            clock,
            fleet.connections(),
            TestDispatch.quick(),
            RandomGenerator.of("L64X128MixRandom"),
            new AlertOutcomeObserver(clock));
    dispatchers.add(d);
    d.start();
    return d;
  }

  /** Runs the action once more: moves the clock past its next start and waits for the outcome. */
  private void nextRun(Team team, Action action, Duration step) {
    int before = finished(team, action);
    clock.advance(step);
    waitFor(Duration.ofSeconds(20), () -> finished(team, action) > before);
  }

  private int finished(Team team, Action action) {
    return (int)
        history.runs(team.owner(), team.id(), action.id(), 1000).stream()
            .filter(r -> r.status() != dev.hourglass.dispatch.RunStatus.CLAIMED)
            .count();
  }

  private static void waitFor(Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Condition not met within " + timeout);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private static List<MimeMessage> mailsTo(String address) {
    return smtp.received().stream()
        .filter(
            m -> {
              try {
                return m.getAllRecipients()[0].toString().equalsIgnoreCase(address);
              } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
              }
            })
        .toList();
  }

  private static String subject(MimeMessage m) {
    try {
      return m.getSubject();
    } catch (jakarta.mail.MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String text(MimeMessage m) throws Exception {
    var parts = (Multipart) m.getContent();
    return parts.getBodyPart(0).getContent().toString();
  }

  private static String html(MimeMessage m) throws Exception {
    var parts = (Multipart) m.getContent();
    return parts.getBodyPart(1).getContent().toString();
  }

  private List<String> eventKinds(Team team) {
    var result = new ArrayList<String>();
    try (var c = db.ownerDataSource().getConnection();
        var ps =
            c.prepareStatement("select kind from alert_event where tenant_id = ? order by id")) {
      ps.setObject(1, team.id().value());
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          result.add(rs.getString(1));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return result;
  }

  // --- rules ------------------------------------------------------------------------------------

  @Test
  void every_failure_is_mailed_with_the_error_attempt_next_retry_last_success_and_a_run_link()
      throws Exception {
    var team = aTeamWithADatabase("every");
    var address = anAddress();
    alerts.setTimeZone(team.owner(), team.id(), ZoneId.of("Europe/Berlin"));
    alerts.save(
        team.owner(),
        team.id(),
        AlertScope.teamDefault(),
        rule(true, 0, false, false, false, false, false, Duration.ZERO, false, address));
    var action = hourly(team, "Nightly rollup");
    dispatcher();

    nextRun(team, action, Duration.ZERO);
    nextRun(team, action, Duration.ofMinutes(61));
    assertThat(outbox.deliverDue()).isEqualTo(2);

    var mails = mailsTo(address);
    assertThat(mails).hasSize(2);
    var second = mails.get(1);
    var teamName = "Team " + team.id().value().toString().substring(0, 8);
    assertThat(second.getSubject())
        .isEqualTo(
            "[Hourglass] " + teamName + " · Sales every · Nightly rollup: failed (attempt 2)");
    var runs = history.runs(team.owner(), team.id(), action.id(), 10);
    var run =
        runs.stream().max(java.util.Comparator.comparing(r -> r.scheduledFor())).orElseThrow();
    var body = text(second);
    assertThat(body)
        .contains("Error: SQLSTATE HG001: partner feed is down")
        .contains("Detail: HTTP 503 from feed.example.com")
        .contains("Hint: Try again later.")
        .contains("Attempt: 2")
        .contains("Failures in a row: 2")
        .contains("Last success: never")
        .contains(
            "Run: https://hourglass.example.com/runs/" + run.id() + "?team=" + team.id().value());
    var next = actions.get(team.owner(), team.id(), action.id()).nextStart().orElseThrow();
    assertThat(body).contains("Next retry: " + AlertMails.time(next, ZoneId.of("Europe/Berlin")));
    assertThat(body).containsPattern("Next retry: .* CE[S]?T \\(Europe/Berlin\\)");
    assertThat(html(second))
        .contains(
            "<a href=\"https://hourglass.example.com/runs/"
                + run.id()
                + "?team="
                + team.id().value()
                + "\">")
        .contains("partner feed is down");
  }

  @Test
  void n_failures_in_a_row_alert_only_at_the_nth_and_a_success_then_sends_a_recovery()
      throws Exception {
    var team = aTeamWithADatabase("consecutive");
    var address = anAddress();
    alerts.save(
        team.owner(),
        team.id(),
        AlertScope.teamDefault(),
        rule(false, 3, false, false, false, false, true, Duration.ZERO, false, address));
    var action = hourly(team, "Rollup");
    dispatcher();

    nextRun(team, action, Duration.ZERO);
    nextRun(team, action, Duration.ofMinutes(61));
    assertThat(outbox.deliverDue()).isZero();
    nextRun(team, action, Duration.ofMinutes(61));
    assertThat(outbox.deliverDue()).isEqualTo(1);
    nextRun(team, action, Duration.ofMinutes(61));
    assertThat(outbox.deliverDue()).isZero();
    succeedFromNowOn(team);
    nextRun(team, action, Duration.ofMinutes(61));
    assertThat(outbox.deliverDue()).isEqualTo(1);
    nextRun(team, action, Duration.ofMinutes(61));
    assertThat(outbox.deliverDue()).isZero();

    var mails = mailsTo(address);
    assertThat(mails).hasSize(2);
    assertThat(mails.get(0).getSubject()).endsWith("Rollup: failed 3 times in a row");
    assertThat(mails.get(1).getSubject()).endsWith("Rollup: recovered: succeeded again");
    assertThat(eventKinds(team)).containsExactly("CONSECUTIVE_FAILURES", "RECOVERED");
  }

  @Test
  void the_quiet_period_holds_back_repeats_of_the_same_problem_until_it_has_passed() {
    var team = aTeamWithADatabase("quiet");
    var address = anAddress();
    alerts.save(
        team.owner(),
        team.id(),
        AlertScope.teamDefault(),
        rule(true, 0, false, false, false, false, false, Duration.ofHours(3), false, address));
    var action = hourly(team, "Quiet");
    dispatcher();

    nextRun(team, action, Duration.ZERO);
    nextRun(team, action, Duration.ofMinutes(61));
    nextRun(team, action, Duration.ofMinutes(61));
    assertThat(outbox.deliverDue()).isEqualTo(1);
    nextRun(team, action, Duration.ofMinutes(61));
    assertThat(outbox.deliverDue()).isEqualTo(1);
    assertThat(mailsTo(address)).hasSize(2);
    assertThat(finished(team, action)).isEqualTo(4);
  }

  @Test
  void reaching_max_retries_mails_that_the_action_was_disabled_and_nothing_before() {
    var team = aTeamWithADatabase("disable");
    var address = anAddress();
    alerts.save(
        team.owner(),
        team.id(),
        AlertScope.teamDefault(),
        rule(false, 0, true, false, false, false, false, Duration.ZERO, false, address));
    var action = hourly(team, "Fragile", "{}", 2, Duration.ZERO);
    dispatcher();

    nextRun(team, action, Duration.ZERO);
    assertThat(outbox.deliverDue()).isZero();
    nextRun(team, action, Duration.ofMinutes(61));
    assertThat(outbox.deliverDue()).isEqualTo(1);
    var mail = mailsTo(address).get(0);
    assertThat(mail).isNotNull();
    assertThat(eventKinds(team)).containsExactly("AUTO_DISABLED");
  }

  @Test
  void a_timeout_is_mailed_under_the_timeout_rule_and_a_plain_failure_is_not() throws Exception {
    var team = aTeamWithADatabase("timeout");
    var address = anAddress();
    alerts.save(
        team.owner(),
        team.id(),
        AlertScope.teamDefault(),
        rule(false, 0, false, true, false, false, false, Duration.ZERO, false, address));
    var slow = hourly(team, "Slow", "{\"sleep\": 30}", -1, Duration.ofSeconds(1));
    var failing = hourly(team, "Failing");
    dispatcher();

    waitFor(
        Duration.ofSeconds(20), () -> finished(team, slow) == 1 && finished(team, failing) == 1);
    assertThat(outbox.deliverDue()).isEqualTo(1);
    var mail = mailsTo(address).get(0);
    assertThat(mail.getSubject()).endsWith("Slow: timed out");
    assertThat(text(mail)).contains("Status: Timed out (max_runtime)").contains("57014");
    assertThat(eventKinds(team)).containsExactly("TIMED_OUT");
  }

  @Test
  void an_action_override_replaces_the_team_default_for_that_action_only() {
    var team = aTeamWithADatabase("override");
    var teamAddress = anAddress();
    var actionAddress = anAddress();
    alerts.save(
        team.owner(),
        team.id(),
        AlertScope.teamDefault(),
        rule(true, 0, false, false, false, false, false, Duration.ZERO, false, teamAddress));
    var special = hourly(team, "Special");
    var plain = hourly(team, "Plain");
    alerts.save(
        team.owner(),
        team.id(),
        AlertScope.of(special.id()),
        rule(true, 0, false, false, false, false, false, Duration.ZERO, false, actionAddress));
    dispatcher();

    waitFor(
        Duration.ofSeconds(20), () -> finished(team, special) == 1 && finished(team, plain) == 1);
    assertThat(outbox.deliverDue()).isEqualTo(2);
    assertThat(mailsTo(teamAddress))
        .singleElement()
        .satisfies(m -> assertThat(subject(m)).contains("Plain"));
    assertThat(mailsTo(actionAddress))
        .singleElement()
        .satisfies(m -> assertThat(subject(m)).contains("Special"));
  }

  @Test
  void an_observer_that_fails_loses_only_its_own_writes_and_the_outcome_is_recorded_anyway() {
    var team = aTeamWithADatabase("observerfails");
    alerts.save(
        team.owner(),
        team.id(),
        AlertScope.teamDefault(),
        rule(true, 0, false, false, false, false, false, Duration.ZERO, false, anAddress()));
    var action = hourly(team, "Observed");
    var d =
        new Dispatcher(
            db.dataSource(),
            clock,
            fleet.connections(),
            TestDispatch.quick(),
            RandomGenerator.of("L64X128MixRandom"),
            (c, outcome) -> {
              new AlertOutcomeObserver(clock).recorded(c, outcome);
              throw new IllegalStateException("planted failure after writing an alert");
            });
    dispatchers.add(d);
    d.start();

    waitFor(Duration.ofSeconds(20), () -> finished(team, action) == 1);
    var stats = history.stats(team.owner(), team.id(), action.id());
    assertThat(stats.totalFailures()).isEqualTo(1);
    assertThat(stats.consecutiveFailures()).isEqualTo(1);
    assertThat(eventKinds(team)).isEmpty();
  }

  @Test
  void a_database_override_applies_to_its_actions_unless_an_action_has_its_own() {
    var team = aTeamWithADatabase("dboverride");
    var databaseAddress = anAddress();
    var actionAddress = anAddress();
    alerts.save(
        team.owner(),
        team.id(),
        AlertScope.of(team.database()),
        rule(true, 0, false, false, false, false, false, Duration.ZERO, false, databaseAddress));
    var inherits = hourly(team, "Inherits");
    var own = hourly(team, "Own");
    alerts.save(
        team.owner(),
        team.id(),
        AlertScope.of(own.id()),
        rule(false, 2, false, false, false, false, false, Duration.ZERO, false, actionAddress));
    assertThat(alerts.effective(team.owner(), team.id(), AlertScope.of(inherits.id())).addresses())
        .containsExactly(databaseAddress);
    dispatcher();

    waitFor(
        Duration.ofSeconds(20), () -> finished(team, inherits) == 1 && finished(team, own) == 1);
    assertThat(outbox.deliverDue()).isEqualTo(1);
    assertThat(mailsTo(databaseAddress)).hasSize(1);
    assertThat(mailsTo(actionAddress)).isEmpty();

    alerts.removeOverride(team.owner(), team.id(), AlertScope.of(own.id()));
    assertThat(alerts.effective(team.owner(), team.id(), AlertScope.of(own.id())).addresses())
        .containsExactly(databaseAddress);
    assertThat(alerts.rules(team.owner(), team.id()).overrides())
        .extracting(AlertRules.Override::label)
        .containsExactly("Database Sales dboverride");
  }

  // --- the sweep --------------------------------------------------------------------------------

  @Test
  void a_run_not_started_is_late_after_the_grace_period_then_down_each_mailed_once()
      throws Exception {
    var team = aTeamWithADatabase("missed");
    var address = anAddress();
    alerts.save(
        team.owner(),
        team.id(),
        AlertScope.teamDefault(),
        rule(false, 0, false, false, true, false, true, Duration.ZERO, false, address));
    var action = hourly(team, "Never started");
    // No dispatcher runs: the slot passes unclaimed.

    clock.advance(Duration.ofMinutes(4));
    sweep.sweep();
    assertThat(eventKinds(team)).isEmpty();
    clock.advance(Duration.ofMinutes(1));
    sweep.sweep();
    sweep.sweep();
    assertThat(eventKinds(team)).containsExactly("LATE");
    clock.advance(Duration.ofMinutes(55));
    sweep.sweep();
    sweep.sweep();
    assertThat(eventKinds(team)).containsExactly("LATE", "DOWN");
    assertThat(outbox.deliverDue()).isEqualTo(2);
    var mails = mailsTo(address);
    assertThat(mails.get(0).getSubject())
        .endsWith("Never started: late: not started since it was due");
    assertThat(mails.get(1).getSubject()).contains("down");

    succeedFromNowOn(team);
    dispatcher();
    waitFor(Duration.ofSeconds(20), () -> finished(team, action) == 1);
    assertThat(outbox.deliverDue()).isEqualTo(1);
    assertThat(mailsTo(address).get(2).getSubject()).endsWith("recovered: succeeded again");
  }

  @Test
  void a_database_becoming_unreachable_is_mailed_once_and_again_when_it_is_reachable()
      throws Exception {
    var team = aTeamWithADatabase("unreachable");
    var address = anAddress();
    alerts.save(
        team.owner(),
        team.id(),
        AlertScope.of(team.database()),
        rule(false, 0, false, false, false, true, true, Duration.ZERO, false, address));
    setReachable(team, false, "Connection refused: 10.0.0.9:5432");

    sweep.sweep();
    sweep.sweep();
    assertThat(eventKinds(team)).containsExactly("UNREACHABLE");
    setReachable(team, true, null);
    sweep.sweep();
    sweep.sweep();
    assertThat(eventKinds(team)).containsExactly("UNREACHABLE", "RECOVERED");
    assertThat(outbox.deliverDue()).isEqualTo(2);
    var mails = mailsTo(address);
    assertThat(mails.get(0).getSubject()).endsWith("Sales unreachable: database unreachable");
    assertThat(text(mails.get(0))).contains("Problem: Connection refused: 10.0.0.9:5432");
    assertThat(mails.get(1).getSubject()).endsWith("database reachable again");
  }

  /** What the fleet monitor records when it checks a database. */
  private void setReachable(Team team, boolean reachable, String message) {
    try (var c = db.ownerDataSource().getConnection();
        var ps =
            c.prepareStatement(
                "update target_database set reachable = ?, last_message = ?, status_since = now()"
                    + " where id = ?")) {
      ps.setBoolean(1, reachable);
      ps.setString(2, message);
      ps.setObject(3, team.database().value());
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  // --- delivery ---------------------------------------------------------------------------------

  @Test
  void a_mail_that_smtp_refused_is_retried_and_delivered_exactly_once_when_smtp_is_back()
      throws Exception {
    var team = aTeamWithADatabase("smtpdown");
    var address = anAddress();
    alerts.save(
        team.owner(),
        team.id(),
        AlertScope.teamDefault(),
        rule(true, 0, false, false, false, false, false, Duration.ZERO, false, address));
    var action = hourly(team, "Retried");
    var dispatcher = dispatcher();
    nextRun(team, action, Duration.ZERO);
    // One failure, one mail: no more runs while the clock moves on below.
    dispatcher.stop(Duration.ofSeconds(5));

    int port = FreePorts.pick();
    var down = new AlertOutbox(db.dataSource(), clock, gateway(port), BASE);
    assertThat(down.deliverDue()).isZero();
    var attempt = deliveryState(team);
    assertThat(attempt.attempts()).isEqualTo(1);
    assertThat(attempt.lastError()).contains("127.0.0.1:" + port);
    assertThat(attempt.sent()).isFalse();
    // Not due again before its pause is over.
    assertThat(down.deliverDue()).isZero();
    assertThat(deliveryState(team).attempts()).isEqualTo(1);

    try (var back = MailCatcher.start(port, 0)) {
      clock.advance(Duration.ofMinutes(1));
      assertThat(down.deliverDue()).isEqualTo(1);
      clock.advance(Duration.ofHours(2));
      assertThat(down.deliverDue()).isZero();
      assertThat(back.received()).hasSize(1);
      assertThat(back.received().get(0).getSubject()).contains("Retried: failed");
    }
    var sent = deliveryState(team);
    assertThat(sent.attempts()).isEqualTo(2);
    assertThat(sent.sent()).isTrue();
    assertThat(sent.lastError()).isNull();
    // The audit has the rule's creation and both attempts, with the recipient.
    assertThat(auditOf(team))
        .containsExactly(
            "ALERT_RULE create Team default rule",
            "ALERT_MAIL failed " + address,
            "ALERT_MAIL sent " + address);
  }

  /** The team's audit rows about alerts, oldest first: kind, operation, object name or id. */
  private List<String> auditOf(Team team) {
    try (var c = db.ownerDataSource().getConnection();
        var ps =
            c.prepareStatement(
                "select kind || ' ' || operation || ' ' || coalesce(object_name, object_id)"
                    + " from audit_event where tenant_id = ? and kind like 'ALERT%' order by id")) {
      ps.setObject(1, team.id().value());
      var rows = new ArrayList<String>();
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(rs.getString(1));
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private record DeliveryState(int attempts, String lastError, boolean sent) {}

  private DeliveryState deliveryState(Team team) {
    try (var c = db.ownerDataSource().getConnection();
        var ps =
            c.prepareStatement(
                "select attempts, last_error, sent_at is not null from alert_delivery"
                    + " where tenant_id = ?")) {
      ps.setObject(1, team.id().value());
      try (var rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        var state = new DeliveryState(rs.getInt(1), rs.getString(2), rs.getBoolean(3));
        assertThat(rs.next()).as("one delivery").isFalse();
        return state;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void a_digest_collects_the_days_alerts_into_one_mail_at_eight_in_the_teams_time_zone()
      throws Exception {
    var team = aTeamWithADatabase("digest");
    var address = anAddress();
    var zone = ZoneId.of("America/New_York");
    alerts.setTimeZone(team.owner(), team.id(), zone);
    alerts.save(
        team.owner(),
        team.id(),
        AlertScope.teamDefault(),
        rule(true, 0, false, false, false, false, false, Duration.ZERO, true, address));
    var action = hourly(team, "Digested");
    dispatcher();
    nextRun(team, action, Duration.ZERO);
    nextRun(team, action, Duration.ofMinutes(61));
    assertThat(outbox.deliverDue()).isZero();
    assertThat(mailsTo(address)).isEmpty();

    var eight = AlertEvents.nextDigest(clock.instant(), zone);
    assertThat(eight.atZone(zone).getHour()).isEqualTo(8);
    clock.advance(Duration.between(clock.instant(), eight).plusSeconds(1));
    assertThat(outbox.deliverDue()).isEqualTo(1);
    assertThat(outbox.deliverDue()).isZero();
    var mail = mailsTo(address);
    assertThat(mail).hasSize(1);
    assertThat(mail.get(0).getSubject()).endsWith(": daily digest, 2 alerts");
    var body = text(mail.get(0));
    assertThat(body.split("Action Digested on Sales digest: failed", -1)).hasSize(3);
    assertThat(body).contains("Attempt: 1").contains("Attempt: 2").contains("(America/New_York)");
  }

  @Test
  void a_test_mail_reaches_members_in_the_chosen_roles_and_the_listed_addresses() throws Exception {
    var owner = aPerson("Tess");
    var viewer = aPerson("Vic");
    var admin = aPerson("Ada");
    var team = aTeam(db, owner).with(viewer, Role.VIEWER).with(admin, Role.ADMIN).id();
    var listed = anAddress();
    alerts.save(
        owner,
        team,
        AlertScope.teamDefault(),
        new AlertRule(
            true,
            0,
            false,
            false,
            false,
            Duration.ofMinutes(5),
            Duration.ofHours(1),
            false,
            false,
            Duration.ZERO,
            true,
            Set.of(Role.ADMIN),
            List.of(listed)));

    var recipients = alerts.sendTestMail(owner, team, AlertScope.teamDefault());
    assertThat(recipients).containsExactlyInAnyOrder(admin.email(), listed);
    assertThat(outbox.deliverDue()).isEqualTo(2);
    assertThat(mailsTo(admin.email()))
        .singleElement()
        .satisfies(m -> assertThat(subject(m)).endsWith(": test mail"));
    assertThat(mailsTo(listed)).hasSize(1);
    assertThat(mailsTo(owner.email())).isEmpty();
    assertThat(alerts.recentDeliveries(owner, team, 10))
        .hasSize(2)
        .allSatisfy(
            d -> {
              assertThat(d.kind()).isEqualTo(AlertKind.TEST);
              assertThat(d.sentAt()).isPresent();
            });
    assertThatThrownBy(() -> alerts.sendTestMail(viewer, team, AlertScope.teamDefault()))
        .isInstanceOf(AccessDeniedException.class);
  }

  // --- isolation and validation -----------------------------------------------------------------

  @Test
  void another_team_can_neither_read_nor_change_nor_target_this_teams_rules() {
    var team = aTeamWithADatabase("isolated");
    var action = hourly(team, "Mine");
    var stranger = aPerson("Sam");
    var strangers = aTeam(db, stranger).id();
    alerts.save(
        team.owner(),
        team.id(),
        AlertScope.teamDefault(),
        rule(true, 0, false, false, false, false, false, Duration.ZERO, false, anAddress()));
    alerts.sendTestMail(team.owner(), team.id(), AlertScope.teamDefault());

    assertThatThrownBy(() -> alerts.rules(stranger, team.id()))
        .isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(
            () ->
                alerts.save(
                    stranger,
                    team.id(),
                    AlertScope.teamDefault(),
                    rule(
                        true,
                        0,
                        false,
                        false,
                        false,
                        false,
                        false,
                        Duration.ZERO,
                        false,
                        "x@example.com")))
        .isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> alerts.recentDeliveries(stranger, team.id(), 10))
        .isInstanceOf(AccessDeniedException.class);
    // Naming the other team's action or database from one's own team finds nothing.
    assertThatThrownBy(
            () ->
                alerts.save(
                    stranger,
                    strangers,
                    AlertScope.of(action.id()),
                    rule(
                        true,
                        0,
                        false,
                        false,
                        false,
                        false,
                        false,
                        Duration.ZERO,
                        false,
                        "x@example.com")))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(
            () -> alerts.sendTestMail(stranger, strangers, AlertScope.of(team.database())))
        .isInstanceOf(InvalidInputException.class);
    assertThat(alerts.recentDeliveries(stranger, strangers, 10)).isEmpty();
    assertThat(alerts.rules(stranger, strangers).builtIn()).isTrue();
    assertThat(alerts.rules(team.owner(), team.id()).builtIn()).isFalse();
  }

  @Test
  void a_rule_that_mails_nobody_or_a_malformed_address_is_refused_with_what_to_do() {
    assertThatThrownBy(
            () ->
                new AlertRule(
                    true,
                    0,
                    false,
                    false,
                    false,
                    Duration.ZERO,
                    Duration.ofHours(1),
                    false,
                    false,
                    Duration.ZERO,
                    false,
                    Set.of(),
                    List.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Nobody would receive");
    assertThatThrownBy(
            () ->
                new AlertRule(
                    true,
                    0,
                    false,
                    false,
                    false,
                    Duration.ZERO,
                    Duration.ofHours(1),
                    false,
                    false,
                    Duration.ZERO,
                    false,
                    Set.of(),
                    List.of("ops at example")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'ops at example' is not a mail address");
    assertThatThrownBy(
            () ->
                new AlertRule(
                    true,
                    1,
                    false,
                    false,
                    false,
                    Duration.ZERO,
                    Duration.ofHours(1),
                    false,
                    false,
                    Duration.ZERO,
                    false,
                    Set.of(Role.OWNER),
                    List.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("from 2 to 1000");
    assertThatThrownBy(
            () ->
                new AlertRule(
                    true,
                    0,
                    false,
                    false,
                    false,
                    Duration.ofHours(2),
                    Duration.ofHours(1),
                    false,
                    false,
                    Duration.ZERO,
                    false,
                    Set.of(Role.OWNER),
                    List.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'Down' must come after 'late'");
  }
}
