package dev.hourglass.ui.action;

import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.datetimepicker.DateTimePicker;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.OrderedList;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import dev.hourglass.common.InvalidInputException;
import dev.hourglass.schedule.ActionSchedule;
import dev.hourglass.schedule.CronSpec;
import dev.hourglass.schedule.Interval;
import dev.hourglass.schedule.NextStartCalculator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * TimescaleDB's schedule parameters (and Hourglass's cron alternative), with a preview of the next
 * 10 runs in the chosen zone that follows every change. No service dependency.
 */
class ScheduleForm extends FormLayout {
  private static final long serialVersionUID = 1L;
  static final String INTERVAL = "Every interval";
  static final String CRON = "Cron expression";
  private static final DateTimeFormatter PREVIEW =
      DateTimeFormatter.ofPattern("EEE d MMM yyyy, HH:mm:ss z", Locale.ENGLISH);

  final RadioButtonGroup<String> kind = new RadioButtonGroup<>("Repeat");
  final TextField interval = new TextField("schedule_interval");
  final TextField cron = new TextField("Cron");
  final DateTimePicker initialStart = new DateTimePicker("initial_start");
  final DateTimePicker nextStart = new DateTimePicker("next_start");
  final Checkbox fixedSchedule = new Checkbox("fixed_schedule (drift-free slots)", true);
  final ComboBox<String> timezone = new ComboBox<>("timezone");
  final Checkbox scheduled = new Checkbox("scheduled", true);
  final TextField maxRuntime = new TextField("max_runtime");
  final IntegerField maxRetries = new IntegerField("max_retries");
  final TextField retryPeriod = new TextField("retry_period");
  final Div previewError = new Div();
  final OrderedList preview = new OrderedList();
  private transient Clock clock = Clock.systemUTC();

  ScheduleForm() {
    kind.setId("schedule-kind");
    kind.setItems(INTERVAL, CRON);
    kind.setValue(INTERVAL);
    interval.setId("schedule-interval");
    interval.setValue("1 day");
    interval.setHelperText("PostgreSQL interval: 5 minutes, 1 hour, 1 day, 1 month, 00:30:00");
    cron.setId("schedule-cron");
    cron.setHelperText("minute hour day-of-month month day-of-week; $ = last day; @daily …");
    cron.setVisible(false);
    initialStart.setId("schedule-initial-start");
    initialStart.setHelperText("First run, and the origin of fixed slots; empty = now");
    initialStart.setStep(Duration.ofMinutes(1));
    nextStart.setId("schedule-next-start");
    nextStart.setHelperText("Set to run next at this time; empty = from the schedule");
    nextStart.setStep(Duration.ofMinutes(1));
    fixedSchedule.setId("schedule-fixed");
    timezone.setId("schedule-timezone");
    timezone.setItems(new TreeSet<>(ZoneId.getAvailableZoneIds()));
    timezone.setClearButtonVisible(true);
    timezone.setHelperText("Slots and cron follow this zone's wall clock; empty = UTC");
    scheduled.setId("schedule-scheduled");
    maxRuntime.setId("schedule-max-runtime");
    maxRuntime.setValue("0");
    maxRuntime.setHelperText("0 = no limit; e.g. 10 minutes");
    maxRetries.setId("schedule-max-retries");
    maxRetries.setValue(-1);
    maxRetries.setMin(-1);
    maxRetries.setStepButtonsVisible(true);
    maxRetries.setHelperText(
        "-1 = retry forever, 0 = no retries; else stop after this many failures in a row");
    retryPeriod.setId("schedule-retry-period");
    retryPeriod.setValue("5 minutes");
    retryPeriod.setHelperText("Wait after a failure, growing with each failure in a row");
    previewError.setId("schedule-preview-error");
    previewError.getStyle().set("color", "var(--lumo-error-text-color)");
    preview.setId("schedule-preview");
    preview.getStyle().set("font-family", "var(--lumo-font-family)").set("margin", "0");

    kind.addValueChangeListener(
        e -> {
          boolean isCron = CRON.equals(e.getValue());
          cron.setVisible(isCron);
          interval.setVisible(!isCron);
          fixedSchedule.setEnabled(!isCron);
          if (isCron) {
            fixedSchedule.setValue(true);
          }
          updatePreview();
        });
    for (var f : new TextField[] {interval, cron, retryPeriod}) {
      f.setValueChangeMode(ValueChangeMode.LAZY);
      f.addValueChangeListener(e -> updatePreview());
    }
    initialStart.addValueChangeListener(e -> updatePreview());
    fixedSchedule.addValueChangeListener(e -> updatePreview());
    timezone.addValueChangeListener(e -> updatePreview());

    var previewBox = new Div(new Div("Next 10 runs"), previewError, preview);
    previewBox.setId("schedule-preview-box");
    add(
        kind,
        interval,
        cron,
        timezone,
        initialStart,
        fixedSchedule,
        scheduled,
        maxRuntime,
        maxRetries,
        retryPeriod,
        previewBox);
    setColspan(previewBox, 2);
    setColspan(kind, 2);
    updatePreview();
  }

  void setClock(Clock clock) {
    this.clock = clock;
  }

  private ZoneId zone() {
    return timezone.getValue() == null || timezone.getValue().isBlank()
        ? ZoneOffset.UTC
        : ZoneId.of(timezone.getValue());
  }

  /**
   * The schedule the fields describe.
   *
   * @throws InvalidInputException after marking the field it names
   */
  ActionSchedule schedule() {
    clearErrors();
    try {
      var builder =
          CRON.equals(kind.getValue())
              ? ActionSchedule.cron(CronSpec.parse(cron.getValue()))
              : ActionSchedule.every(Interval.parse(interval.getValue()))
                  .fixedSchedule(fixedSchedule.getValue());
      if (timezone.getValue() != null && !timezone.getValue().isBlank()) {
        builder.timezone(timezone.getValue());
      }
      if (initialStart.getValue() != null) {
        builder.initialStart(initialStart.getValue().atZone(zone()).toInstant());
      }
      builder.retryPeriod(Interval.parse("retry_period", retryPeriod.getValue()));
      builder.maxRetries(maxRetries.getValue() == null ? -1 : maxRetries.getValue());
      return builder.build(clock.instant());
    } catch (InvalidInputException e) {
      mark(e);
      throw e;
    }
  }

  /** An explicit next_start in the chosen zone, if one was set. */
  java.util.Optional<Instant> nextStart() {
    return java.util.Optional.ofNullable(nextStart.getValue())
        .map(t -> t.atZone(zone()).toInstant());
  }

  /** max_runtime: "0" for none, else a PostgreSQL interval without months. */
  Duration maxRuntime() {
    var text = maxRuntime.getValue() == null ? "" : maxRuntime.getValue().strip();
    if (text.isEmpty() || text.equals("0")) {
      return Duration.ZERO;
    }
    try {
      var i = Interval.parse("max_runtime", text);
      if (i.months() != 0) {
        throw new InvalidInputException(
            "max_runtime", "max_runtime cannot be in months; use days, hours or minutes.");
      }
      return Duration.ofDays(i.days()).plusNanos(i.micros() * 1000);
    } catch (InvalidInputException e) {
      mark(e);
      throw e;
    }
  }

  void fill(ActionSchedule s, boolean isScheduled, Duration runtime) {
    if (s.recurrence() instanceof CronSpec c) {
      kind.setValue(CRON);
      cron.setValue(c.expression());
    } else {
      kind.setValue(INTERVAL);
      interval.setValue(s.recurrence().toString());
    }
    timezone.setValue(s.timezone() == null ? null : s.timezone().getId());
    initialStart.setValue(
        s.initialStart() == null ? null : s.initialStart().atZone(zone()).toLocalDateTime());
    fixedSchedule.setValue(s.fixedSchedule());
    retryPeriod.setValue(s.retryPeriod().toString());
    maxRetries.setValue(s.maxRetries().value());
    scheduled.setValue(isScheduled);
    maxRuntime.setValue(runtime.isZero() ? "0" : runtime.toSeconds() + " seconds");
    updatePreview();
  }

  void updatePreview() {
    preview.removeAll();
    try {
      var s = schedule();
      previewError.setText("");
      var zone = zone();
      for (Instant at :
          new NextStartCalculator(RandomGenerator.getDefault()).preview(s, clock.instant(), 10)) {
        preview.add(new ListItem(PREVIEW.format(at.atZone(zone))));
      }
    } catch (InvalidInputException e) {
      previewError.setText(e.getMessage());
    }
  }

  private void mark(InvalidInputException e) {
    Map<String, HasValidation> fields =
        Map.of(
            "schedule_interval", interval,
            "timezone", timezone,
            "fixed_schedule", fixedSchedule.isEnabled() ? interval : cron,
            "retry_period", retryPeriod,
            "max_retries", maxRetries,
            "max_runtime", maxRuntime,
            "initial_start", initialStart);
    var field = fields.getOrDefault(e.field(), cron);
    field.setErrorMessage(e.getMessage());
    field.setInvalid(true);
  }

  private void clearErrors() {
    for (HasValidation f :
        new HasValidation[] {
          interval, cron, timezone, retryPeriod, maxRetries, maxRuntime, initialStart
        }) {
      f.setInvalid(false);
    }
  }
}
