package dev.hourglass.ui.action;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import dev.hourglass.common.InvalidInputException;
import dev.hourglass.common.UserFacingException;
import dev.hourglass.dispatch.RetentionPolicy;
import dev.hourglass.dispatch.RunRetention;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.Permission;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.ui.shell.Notices;
import dev.hourglass.ui.shell.SignedInPerson;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;

/**
 * The team's run retention on the team settings page: members see it, admins change it. An empty
 * field switches its rule off.
 */
@Dependent
public class RetentionForm extends VerticalLayout {
  private static final long serialVersionUID = 1L;
  private static final DateTimeFormatter MINUTE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final transient RunRetention retention;
  private final Caller caller;
  private final TenantId tenant;
  private final IntegerField days = new IntegerField("Keep runs for (days)");
  private final IntegerField count = new IntegerField("Keep per action (newest runs)");
  private final Paragraph state = new Paragraph();

  @Inject
  public RetentionForm(SignedInPerson person, RunRetention retention) {
    this.retention = retention;
    this.caller = person.caller();
    var membership = person.currentMembership();
    this.tenant = membership.map(m -> m.tenant().id()).orElse(null);
    setPadding(false);
    setId("retention");
    if (tenant == null) {
      return;
    }
    boolean mayChange =
        membership.map(m -> m.role().allows(Permission.MANAGE_TENANT)).orElse(false);
    days.setId("retention-days");
    days.setMin(1);
    days.setMax(RetentionPolicy.MAX_DAYS);
    days.setPlaceholder("no age limit");
    days.setClearButtonVisible(true);
    count.setId("retention-count");
    count.setMin(RetentionPolicy.MIN_RUNS);
    count.setMax(RetentionPolicy.MAX_RUNS);
    count.setPlaceholder("no count limit");
    count.setClearButtonVisible(true);
    days.setReadOnly(!mayChange);
    count.setReadOnly(!mayChange);
    state.setId("retention-state");
    state.getStyle().set("color", "var(--lumo-secondary-text-color)").set("margin", "0");
    var explain =
        new Paragraph(
            "Runs whose slot is older than the age, and runs of an action beyond its newest count,"
                + " are deleted by an hourly background job. Leave a field empty to switch that"
                + " rule off; runs still going are never deleted.");
    explain.getStyle().set("margin", "0");
    var row = new HorizontalLayout(days, count);
    row.setAlignItems(FlexComponent.Alignment.BASELINE);
    if (mayChange) {
      var save = new Button("Save retention", e -> save());
      save.setId("retention-save");
      row.add(save);
    }
    add(explain, row, state);
    try {
      show(retention.policy(caller, tenant));
    } catch (UserFacingException e) {
      Notices.error(e.getMessage());
    }
  }

  private void save() {
    days.setInvalid(false);
    count.setInvalid(false);
    if (days.isInvalid() || count.isInvalid()) {
      return;
    }
    try {
      var policy =
          RetentionPolicy.of(
              Optional.ofNullable(days.getValue()), Optional.ofNullable(count.getValue()));
      show(retention.change(caller, tenant, policy));
      Notices.success("Run retention saved. The next hourly pass applies it.");
    } catch (InvalidInputException e) {
      var field = "maxAge".equals(e.field()) ? days : count;
      field.setErrorMessage(e.getMessage());
      field.setInvalid(true);
    } catch (UserFacingException e) {
      Notices.error(e.getMessage());
    }
  }

  private void show(RunRetention.Setting setting) {
    var policy = setting.policy();
    days.setValue(policy.maxAge().map(Duration::toDays).map(Long::intValue).orElse(null));
    count.setValue(policy.maxRunsPerAction().orElse(null));
    state.setText(
        setting
            .changedAt()
            .map(
                at ->
                    "Last changed "
                        + MINUTE.format(at)
                        + setting.changedBy().map(by -> " by " + by).orElse("")
                        + ".")
            .orElse("The defaults: 90 days and 10,000 runs per action."));
  }
}
