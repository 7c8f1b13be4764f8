package dev.hourglass.ui.tenant;

import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
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
    add(heading, intro, new CreateTeamForm(person, tenants));
  }

  @Override
  public void beforeEnter(BeforeEnterEvent event) {
    if (person.currentMembership().isPresent()) {
      event.forwardTo("");
    }
  }
}
