package dev.hourglass.ui.database;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEvent;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.HasUrlParameter;
import com.vaadin.flow.router.OptionalParameter;
import com.vaadin.flow.router.Route;
import dev.hourglass.common.InvalidInputException;
import dev.hourglass.common.UserFacingException;
import dev.hourglass.database.ConnectionFailedException;
import dev.hourglass.database.DatabaseId;
import dev.hourglass.database.DatabaseService;
import dev.hourglass.database.RegisteredDatabase;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.ui.shell.MainLayout;
import dev.hourglass.ui.shell.Notices;
import dev.hourglass.ui.shell.SignedInPerson;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/**
 * Registers a database ({@code databases/edit}) or edits one ({@code databases/edit/<id>}). Saving
 * always tests the connection first; nothing is saved when the test fails.
 */
@Route(value = "databases/edit", layout = MainLayout.class)
@Dependent
class DatabaseEditView extends VerticalLayout implements HasUrlParameter<String>, HasDynamicTitle {
  private static final long serialVersionUID = 1L;

  private final transient DatabaseService databases;
  private final Caller caller;
  private final TenantId tenant; // null for a person without a team: the layout sends them on
  private final DatabaseForm form = new DatabaseForm();
  private final H2 title = new H2();
  private final Div result = new Div();
  private RegisteredDatabase editing;

  @Inject
  DatabaseEditView(SignedInPerson person, DatabaseService databases) {
    this.databases = databases;
    this.caller = person.caller();
    this.tenant = person.currentMembership().map(m -> m.tenant().id()).orElse(null);
    setMaxWidth("52rem");
    title.setId("db-form-title");
    result.setId("db-result");
    result.setVisible(false);

    var test = new Button("Test connection", e -> test());
    test.setId("db-test");
    var save = new Button("Save", e -> save());
    save.setId("db-save");
    save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    var cancel = new Button("Cancel", e -> leave());
    cancel.setId("db-cancel");
    add(title, form, result, new HorizontalLayout(save, test, cancel));
  }

  @Override
  public void setParameter(BeforeEvent event, @OptionalParameter String id) {
    if (tenant == null) {
      return;
    }
    if (id == null) {
      title.setText("Register a database");
      return;
    }
    try {
      editing = databases.get(caller, tenant, DatabaseId.parse(id));
      title.setText("Edit " + editing.name());
      form.fill(editing);
    } catch (UserFacingException e) {
      Notices.error(e.getMessage());
      event.forwardTo(FleetView.class);
    }
  }

  @Override
  public String getPageTitle() {
    return (editing == null ? "Register a database" : "Edit " + editing.name()) + " · Hourglass";
  }

  private void test() {
    try {
      var draft = form.draft();
      var check =
          editing == null
              ? databases.test(caller, tenant, draft.connection())
              : databases.testEdit(caller, tenant, editing.id(), draft);
      Feedback.check(result, check);
    } catch (InvalidInputException e) {
      result.setVisible(false);
    } catch (UserFacingException e) {
      Notices.error(e.getMessage());
    }
  }

  private void save() {
    try {
      var draft = form.draft();
      var saved =
          editing == null
              ? databases.register(caller, tenant, draft)
              : databases.edit(caller, tenant, editing.id(), draft, editing.version());
      Notices.success((editing == null ? "Registered " : "Saved ") + saved.name() + ".");
      getUI().ifPresent(ui -> ui.navigate(DatabaseView.class, saved.id().toString()));
    } catch (InvalidInputException e) {
      result.setVisible(false);
    } catch (ConnectionFailedException e) {
      Feedback.check(result, e.check());
      result.add(new Div("Nothing was saved."));
    } catch (UserFacingException e) {
      Notices.error(e.getMessage());
    }
  }

  private void leave() {
    getUI()
        .ifPresent(
            ui -> {
              if (editing == null) {
                ui.navigate(FleetView.class);
              } else {
                ui.navigate(DatabaseView.class, editing.id().toString());
              }
            });
  }
}
