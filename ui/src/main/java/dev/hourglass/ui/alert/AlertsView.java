package dev.hourglass.ui.alert;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.hourglass.action.ActionService;
import dev.hourglass.alert.AlertDelivery;
import dev.hourglass.alert.AlertRules;
import dev.hourglass.alert.AlertScope;
import dev.hourglass.alert.AlertService;
import dev.hourglass.common.InvalidInputException;
import dev.hourglass.common.UserFacingException;
import dev.hourglass.database.DatabaseService;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.Permission;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.ui.shell.MainLayout;
import dev.hourglass.ui.shell.Notices;
import dev.hourglass.ui.shell.SignedInPerson;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Optional;

/**
 * The team's alert rules: its time zone, the default rule, overrides per database and per action, a
 * test mail to the rule's recipients, and the latest mails with how their delivery went.
 */
@Route(value = AlertsView.ROUTE, layout = MainLayout.class)
@PageTitle("Alerts · Hourglass")
@Dependent
class AlertsView extends VerticalLayout {
  private static final long serialVersionUID = 1L;

  static final String ROUTE = "alerts";

  /** One choice in the scope menu. */
  record Choice(AlertScope scope, String label) {}

  private final transient AlertService alerts;
  private final transient DatabaseService databases;
  private final transient ActionService actions;
  private final Caller caller;
  private final TenantId tenant;
  private final boolean mayEdit;
  private final boolean mayManageTeam;
  private final ComboBox<String> zone = new ComboBox<>("Team time zone");
  private final Select<Choice> scope = new Select<>();
  private final Paragraph inherited = new Paragraph();
  private final AlertRuleForm form = new AlertRuleForm();
  private final Button remove = new Button("Remove override");
  private final Grid<AlertDelivery> deliveries = new Grid<>();
  private transient ZoneId timeZone = ZoneId.of("UTC");
  private transient AlertRules rules;

  @Inject
  AlertsView(
      SignedInPerson person,
      AlertService alerts,
      DatabaseService databases,
      ActionService actions) {
    this.alerts = alerts;
    this.databases = databases;
    this.actions = actions;
    this.caller = person.caller();
    var membership = person.currentMembership();
    this.tenant = membership.map(m -> m.tenant().id()).orElse(null);
    this.mayEdit = membership.map(m -> m.role().allows(Permission.EDIT_ACTIONS)).orElse(false);
    this.mayManageTeam =
        membership.map(m -> m.role().allows(Permission.MANAGE_TENANT)).orElse(false);
    setMaxWidth("64rem");
    var title = new H2("Alerts");
    title.setId("alerts-title");
    add(
        title,
        new Paragraph(
            "Mails when actions fail, are late or their database is unreachable. The team's"
                + " default applies unless a database or an action has a rule of its own; the"
                + " most specific rule applies as a whole."));
    if (tenant == null) {
      return;
    }

    zone.setId("alert-time-zone");
    zone.setItems(ZoneId.getAvailableZoneIds().stream().sorted().toList());
    zone.setHelperText("Alert mails give every time in this zone");
    var saveZone = new Button("Save time zone", e -> saveZone());
    saveZone.setId("alert-time-zone-save");
    zone.setEnabled(mayManageTeam);
    saveZone.setVisible(mayManageTeam);
    var zoneRow = new HorizontalLayout(zone, saveZone);
    zoneRow.setAlignItems(FlexComponent.Alignment.BASELINE);

    scope.setId("alert-scope");
    scope.setLabel("Rule for");
    scope.setItemLabelGenerator(Choice::label);
    scope.addValueChangeListener(e -> show(e.getValue()));
    inherited.setId("alert-inherited");

    var save = new Button("Save rule", e -> save());
    save.setId("alert-save");
    save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    var test = new Button("Send a test mail", e -> sendTest());
    test.setId("alert-test");
    remove.setId("alert-remove");
    remove.addClickListener(e -> removeOverride());
    save.setVisible(mayEdit);
    test.setVisible(mayEdit);
    form.setEnabled(mayEdit);

    deliveries.setId("alert-deliveries");
    deliveries.addColumn(d -> time(d.createdAt())).setHeader("Queued").setAutoWidth(true);
    deliveries.addColumn(d -> d.kind().phrase()).setHeader("What").setAutoWidth(true);
    deliveries.addColumn(AlertDelivery::about).setHeader("About").setAutoWidth(true);
    deliveries.addColumn(AlertDelivery::recipient).setHeader("To").setAutoWidth(true);
    deliveries.addColumn(this::deliveryState).setHeader("Delivery").setFlexGrow(1);
    deliveries.setAllRowsVisible(true);
    var refresh = new Button("Refresh", e -> loadDeliveries());
    refresh.setId("alert-deliveries-refresh");
    refresh.addThemeVariants(ButtonVariant.LUMO_TERTIARY);

    add(
        zoneRow,
        scope,
        inherited,
        form,
        new HorizontalLayout(save, test, remove),
        new HorizontalLayout(new H3("Latest mails"), refresh),
        deliveries);
    load(Optional.empty());
  }

  private void load(Optional<AlertScope> select) {
    try {
      rules = alerts.rules(caller, tenant);
      timeZone = rules.timeZone();
      zone.setValue(timeZone.getId());
      var choices = new ArrayList<Choice>();
      choices.add(new Choice(AlertScope.teamDefault(), "Team default"));
      for (var d : databases.list(caller, tenant)) {
        choices.add(new Choice(AlertScope.of(d.id()), "Database " + d.name()));
      }
      for (var a : actions.list(caller, tenant, Optional.empty())) {
        choices.add(new Choice(AlertScope.of(a.id()), "Action " + a.jobName()));
      }
      scope.setItems(choices);
      var wanted = select.orElse(AlertScope.teamDefault());
      scope.setValue(
          choices.stream()
              .filter(c -> c.scope().equals(wanted))
              .findFirst()
              .orElse(choices.get(0)));
      loadDeliveries();
    } catch (UserFacingException e) {
      Notices.error(e.getMessage());
    }
  }

  private void show(Choice choice) {
    if (choice == null) {
      return;
    }
    try {
      var s = choice.scope();
      form.fill(alerts.effective(caller, tenant, s));
      boolean own =
          s.isTeamDefault()
              ? !rules.builtIn()
              : rules.overrides().stream().anyMatch(o -> o.scope().equals(s));
      remove.setVisible(mayEdit && own && !s.isTeamDefault());
      inherited.setText(
          s.isTeamDefault()
              ? (own
                  ? "The team's default rule."
                  : "The team has no default of its own yet: this is Hourglass's built-in rule.")
              : own
                  ? "This "
                      + (s.action().isPresent() ? "action" : "database")
                      + " has its own rule."
                  : "Inherited: saving makes a rule of its own for " + choice.label() + ".");
    } catch (UserFacingException e) {
      Notices.error(e.getMessage());
    }
  }

  private void save() {
    var choice = scope.getValue();
    try {
      alerts.save(caller, tenant, choice.scope(), form.rule());
      Notices.success("Saved the alert rule for " + choice.label() + ".");
      load(Optional.of(choice.scope()));
    } catch (InvalidInputException e) {
      Notices.error(e.getMessage() + " Nothing was saved.");
    } catch (UserFacingException e) {
      Notices.error(e.getMessage());
    }
  }

  private void removeOverride() {
    var choice = scope.getValue();
    try {
      alerts.removeOverride(caller, tenant, choice.scope());
      Notices.success(choice.label() + " follows the inherited rule again.");
      load(Optional.of(choice.scope()));
    } catch (UserFacingException e) {
      Notices.error(e.getMessage());
    }
  }

  private void sendTest() {
    var choice = scope.getValue();
    try {
      var to = alerts.sendTestMail(caller, tenant, choice.scope());
      Notices.success(
          "A test mail to "
              + String.join(", ", to)
              + " is on its way; it uses the saved rule for "
              + choice.label()
              + ".");
      loadDeliveries();
    } catch (UserFacingException e) {
      Notices.error(e.getMessage());
    }
  }

  private void saveZone() {
    try {
      if (zone.getValue() == null) {
        throw new InvalidInputException("timeZone", "Choose the team's time zone.");
      }
      alerts.setTimeZone(caller, tenant, ZoneId.of(zone.getValue()));
      Notices.success("Alert mails now give times in " + zone.getValue() + ".");
      load(Optional.ofNullable(scope.getValue()).map(Choice::scope));
    } catch (UserFacingException e) {
      Notices.error(e.getMessage());
    }
  }

  private void loadDeliveries() {
    try {
      deliveries.setItems(alerts.recentDeliveries(caller, tenant, 20));
    } catch (UserFacingException e) {
      Notices.error(e.getMessage());
    }
  }

  private String deliveryState(AlertDelivery d) {
    if (d.sentAt().isPresent()) {
      return "Sent " + time(d.sentAt().get());
    }
    if (d.givenUp()) {
      return "Given up after " + d.attempts() + " attempts: " + d.lastError().orElse("");
    }
    if (d.lastError().isPresent()) {
      return "Attempt " + d.attempts() + " failed, retrying: " + d.lastError().get();
    }
    return d.digest() ? "Waiting for the daily digest" : "Waiting to be sent";
  }

  private String time(java.time.Instant t) {
    return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").format(t.atZone(timeZone));
  }
}
