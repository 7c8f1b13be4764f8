package dev.hourglass.ui.tenant;

import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.hourglass.tenant.TenantService;
import dev.hourglass.ui.shell.MainLayout;
import dev.hourglass.ui.shell.SignedInPerson;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/** Creating another team, for people who already belong to one; the shell's "New team". */
@Route(value = TeamPaths.NEW_TEAM, layout = MainLayout.class)
@PageTitle("New team · Hourglass")
@Dependent
class NewTeamView extends VerticalLayout {
  private static final long serialVersionUID = 1L;

  @Inject
  NewTeamView(SignedInPerson person, TenantService tenants) {
    setMaxWidth("36rem");
    var heading = new H2("New team");
    heading.setId("new-team-title");
    add(
        heading,
        new Paragraph(
            "You will be the owner of the new team and work in it right away. Your other teams"
                + " stay as they are; switch between them at the top."),
        new CreateTeamForm(person, tenants));
  }
}
