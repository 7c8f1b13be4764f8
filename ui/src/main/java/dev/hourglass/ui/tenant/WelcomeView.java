package dev.hourglass.ui.tenant;

import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.hourglass.common.UserFacingException;
import dev.hourglass.tenant.TenantName;
import dev.hourglass.tenant.TenantService;
import dev.hourglass.ui.shell.SignedInPerson;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/** First sign-in without a team: create one and become its owner. */
@Route("welcome")
@PageTitle("Welcome · Hourglass")
@Dependent
public class WelcomeView extends VerticalLayout implements BeforeEnterObserver {
  private static final long serialVersionUID = 1L;

  private final SignedInPerson person;

  @Inject
  WelcomeView(SignedInPerson person, TenantService tenants) {
    this.person = person;
    setMaxWidth("36rem");
    getStyle().set("margin", "3rem auto");

    var heading = new H2("Welcome to Hourglass, " + person.caller().displayName());
    heading.setId("welcome-title");
    var intro =
        new Paragraph(
            "Hourglass organises databases and their scheduled actions by team. Create your team"
                + " to begin; you will be its owner and can invite others later.");
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
          try {
            var membership = tenants.createTenant(person.caller(), new TenantName(name.getValue()));
            person.switchTo(membership);
            getUI().ifPresent(ui -> ui.navigate(""));
          } catch (UserFacingException ex) {
            name.setInvalid(true);
            name.setErrorMessage(ex.getMessage());
          }
        });
    add(heading, intro, name, create);
  }

  @Override
  public void beforeEnter(BeforeEnterEvent event) {
    if (person.currentMembership().isPresent()) {
      event.forwardTo("");
    }
  }
}
