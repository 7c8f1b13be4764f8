package dev.hourglass.ui.shell;

import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/** The landing page of a tenant. The fleet dashboard replaces its body when databases exist. */
@Route(value = "", layout = MainLayout.class)
@PageTitle("Overview · Hourglass")
@Dependent
class OverviewView extends VerticalLayout {
  private static final long serialVersionUID = 1L;

  @Inject
  OverviewView(SignedInPerson person) {
    var membership = person.currentMembership();
    var heading = new H2("Overview");
    heading.setId("overview-title");
    add(heading);
    membership.ifPresent(
        m ->
            add(
                new Paragraph(
                    "You are "
                        + m.role().label().toLowerCase(java.util.Locale.ROOT)
                        + " of "
                        + m.tenant().name()
                        + ". This team has no databases registered yet.")));
  }
}
