package dev.hourglass.ui.tenant;

import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import dev.hourglass.common.UserFacingException;
import dev.hourglass.tenant.Membership;
import dev.hourglass.tenant.TenantName;
import dev.hourglass.tenant.TenantService;
import dev.hourglass.ui.shell.SignedInPerson;

/**
 * The team-name field and "Create team" button of the welcome page and the new-team page. Creates
 * the team with the caller as owner, switches to it, and opens its overview.
 */
final class CreateTeamForm extends VerticalLayout {
  private static final long serialVersionUID = 1L;

  CreateTeamForm(SignedInPerson person, TenantService tenants) {
    setPadding(false);
    var name = new TextField("Team name");
    name.setId("team-name");
    name.setMaxLength(TenantName.MAX_LENGTH);
    name.setWidthFull();
    name.setHelperText(
        "For example: Data Platform. Up to " + TenantName.MAX_LENGTH + " characters.");
    var create = new Button("Create team");
    create.setId("create-team");
    create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    create.addClickShortcut(Key.ENTER);
    create.addClickListener(
        e -> {
          Membership created;
          try {
            created = tenants.createTenant(person.caller(), new TenantName(name.getValue()));
          } catch (UserFacingException ex) {
            name.setInvalid(true);
            name.setErrorMessage(ex.getMessage());
            return;
          }
          person.switchTo(created);
          // A reload rebuilds the shell, so its team switcher lists the new team.
          getUI().ifPresent(ui -> ui.getPage().setLocation("."));
        });
    add(name, create);
  }
}
