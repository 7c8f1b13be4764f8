package dev.hourglass.ui.alert;

import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.checkbox.CheckboxGroup;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextArea;
import dev.hourglass.alert.AlertRule;
import dev.hourglass.common.InvalidInputException;
import dev.hourglass.tenant.Role;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The fields of one alert rule. No service: it fills from a rule and builds one, and shows the
 * rule's own validation message on the field it names.
 */
class AlertRuleForm extends FormLayout {
  private static final long serialVersionUID = 1L;

  final Checkbox onFailure = new Checkbox("On every failure");
  final Checkbox onConsecutive = new Checkbox("On failures in a row");
  final IntegerField consecutive = new IntegerField("Failures in a row");
  final Checkbox onDisable = new Checkbox("When disabled after max retries");
  final Checkbox onTimeout = new Checkbox("On a timeout (max_runtime)");
  final Checkbox onMissed = new Checkbox("On a missed run (Late, then Down)");
  final IntegerField lateMinutes = new IntegerField("Late after (minutes past due)");
  final IntegerField downMinutes = new IntegerField("Down after (minutes past due)");
  final Checkbox onUnreachable = new Checkbox("When a database becomes unreachable");
  final Checkbox onRecovery = new Checkbox("When it is well again (recovery)");
  final IntegerField quietMinutes = new IntegerField("Quiet period (minutes)");
  final Checkbox digest =
      new Checkbox("One daily digest (08:00 team time) instead of single mails");
  final CheckboxGroup<Role> roles = new CheckboxGroup<>("Members in these roles");
  final TextArea addresses = new TextArea("And these addresses (one per line)");

  AlertRuleForm() {
    setId("alert-rule-form");
    onFailure.setId("alert-on-failure");
    onConsecutive.setId("alert-on-consecutive");
    consecutive.setId("alert-consecutive");
    consecutive.setMin(2);
    consecutive.setMax(1000);
    consecutive.setStepButtonsVisible(true);
    onDisable.setId("alert-on-disable");
    onTimeout.setId("alert-on-timeout");
    onMissed.setId("alert-on-missed");
    lateMinutes.setId("alert-late");
    downMinutes.setId("alert-down");
    onUnreachable.setId("alert-on-unreachable");
    onRecovery.setId("alert-on-recovery");
    quietMinutes.setId("alert-quiet");
    quietMinutes.setHelperText("No second mail of the same kind about the same action within it");
    digest.setId("alert-digest");
    roles.setId("alert-roles");
    roles.setItems(Role.values());
    roles.setItemLabelGenerator(Role::label);
    addresses.setId("alert-addresses");
    onConsecutive.addValueChangeListener(e -> consecutive.setEnabled(e.getValue()));
    onMissed.addValueChangeListener(
        e -> {
          lateMinutes.setEnabled(e.getValue());
          downMinutes.setEnabled(e.getValue());
        });
    add(
        onFailure,
        onDisable,
        onConsecutive,
        consecutive,
        onTimeout,
        onUnreachable,
        onMissed,
        onRecovery,
        lateMinutes,
        downMinutes,
        quietMinutes,
        digest,
        roles,
        addresses);
    setColspan(addresses, 2);
    setColspan(roles, 2);
  }

  void fill(AlertRule rule) {
    onFailure.setValue(rule.onFailure());
    onConsecutive.setValue(rule.consecutiveFailures() > 0);
    consecutive.setValue(rule.consecutiveFailures() > 0 ? rule.consecutiveFailures() : 3);
    consecutive.setEnabled(rule.consecutiveFailures() > 0);
    onDisable.setValue(rule.onDisable());
    onTimeout.setValue(rule.onTimeout());
    onMissed.setValue(rule.onMissed());
    lateMinutes.setValue((int) rule.lateAfter().toMinutes());
    downMinutes.setValue((int) rule.downAfter().toMinutes());
    lateMinutes.setEnabled(rule.onMissed());
    downMinutes.setEnabled(rule.onMissed());
    onUnreachable.setValue(rule.onUnreachable());
    onRecovery.setValue(rule.onRecovery());
    quietMinutes.setValue((int) rule.quietPeriod().toMinutes());
    digest.setValue(rule.digest());
    roles.setValue(rule.roles());
    addresses.setValue(String.join("\n", rule.addresses()));
    clearErrors();
  }

  /**
   * The rule the fields describe.
   *
   * @throws InvalidInputException shown on the field it names
   */
  AlertRule rule() {
    clearErrors();
    try {
      return new AlertRule(
          onFailure.getValue(),
          onConsecutive.getValue() ? number(consecutive, "Failures in a row") : 0,
          onDisable.getValue(),
          onTimeout.getValue(),
          onMissed.getValue(),
          Duration.ofMinutes(number(lateMinutes, "Late after")),
          Duration.ofMinutes(number(downMinutes, "Down after")),
          onUnreachable.getValue(),
          onRecovery.getValue(),
          Duration.ofMinutes(number(quietMinutes, "The quiet period")),
          digest.getValue(),
          roles.getValue(),
          lines(addresses.getValue()));
    } catch (InvalidInputException e) {
      switch (e.field()) {
        case "consecutiveFailures" -> invalid(consecutive, e);
        case "lateAfter" -> invalid(lateMinutes, e);
        case "downAfter" -> invalid(downMinutes, e);
        case "quietPeriod" -> invalid(quietMinutes, e);
        case "addresses" -> {
          addresses.setErrorMessage(e.getMessage());
          addresses.setInvalid(true);
        }
        case "recipients" -> {
          roles.setErrorMessage(e.getMessage());
          roles.setInvalid(true);
        }
        default -> {}
      }
      throw e;
    }
  }

  private static int number(IntegerField field, String name) {
    if (field.getValue() == null) {
      var e = new InvalidInputException(field.getId().orElse(""), name + ": enter a whole number.");
      invalid(field, e);
      throw e;
    }
    return field.getValue();
  }

  private static void invalid(IntegerField field, InvalidInputException e) {
    field.setErrorMessage(e.getMessage());
    field.setInvalid(true);
  }

  private static List<String> lines(String text) {
    return Arrays.stream(Objects.requireNonNullElse(text, "").split("[\\n,;]+"))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .toList();
  }

  private void clearErrors() {
    for (var f : List.of(consecutive, lateMinutes, downMinutes, quietMinutes)) {
      f.setInvalid(false);
    }
    addresses.setInvalid(false);
    roles.setInvalid(false);
  }
}
