package dev.hourglass.ui.tenant;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.VaadinSession;
import dev.hourglass.common.UserFacingException;
import dev.hourglass.tenant.InvitationPreview;
import dev.hourglass.tenant.TenantService;
import dev.hourglass.ui.security.SignOutPath;
import dev.hourglass.ui.shell.Notices;
import dev.hourglass.ui.shell.SignedInPerson;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.util.Locale;

/**
 * What an invitation link offers, after sign-in: the team and role, with Accept and Decline, or why
 * the link cannot be used. Outside the main layout, because the invited person may have no team yet
 * and the layout would send them to the welcome page.
 */
@Route(InvitationView.ROUTE)
@PageTitle("Invitation · Hourglass")
@Dependent
class InvitationView extends VerticalLayout implements BeforeEnterObserver {
  private static final long serialVersionUID = 1L;
  static final String ROUTE = "invitation";

  private final SignedInPerson person;
  private final TenantService tenants;

  @Inject
  InvitationView(SignedInPerson person, TenantService tenants) {
    this.person = person;
    this.tenants = tenants;
    setMaxWidth("36rem");
    getStyle().set("margin", "3rem auto");
  }

  @Override
  public void beforeEnter(BeforeEnterEvent event) {
    removeAll();
    var title = new H2("Invitation");
    title.setId("invitation-title");
    add(title);
    var session = VaadinSession.getCurrent().getSession();
    var token = PendingInvitation.in(session);
    if (token.isEmpty()) {
      showProblem(
          "There is no invitation to show. Open the link from your invitation mail again; it"
              + " works once, for seven days.");
      return;
    }
    InvitationPreview preview;
    try {
      preview = tenants.previewInvitation(person.caller(), token.get());
    } catch (UserFacingException e) {
      PendingInvitation.forget(session);
      showProblem(e.getMessage());
      return;
    }
    title.setText("Join " + preview.tenantName());
    if (!preview.acceptable()) {
      PendingInvitation.forget(session);
      showProblem(preview.problem());
      return;
    }
    var offer =
        new Paragraph(
            "You are invited to join "
                + preview.tenantName()
                + " as "
                + preview.role().label().toLowerCase(Locale.ROOT)
                + ". You are signed in as "
                + person.caller().displayName()
                + " ("
                + preview.email()
                + ").");
    offer.setId("invitation-offer");

    var accept = new Button("Accept and join");
    accept.setId("invitation-accept");
    accept.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    accept.addClickListener(
        e -> {
          try {
            var joined = tenants.acceptInvitation(person.caller(), token.get());
            PendingInvitation.forget(session);
            person.switchTo(joined);
            Notices.success("Welcome to " + joined.tenant().name() + ".");
            getUI().ifPresent(ui -> ui.navigate(""));
          } catch (UserFacingException ex) {
            PendingInvitation.forget(session);
            Notices.error(ex.getMessage());
            removeAll();
            add(title);
            showProblem(ex.getMessage());
          }
        });
    var decline = new Button("Decline");
    decline.setId("invitation-decline");
    decline.addClickListener(
        e -> {
          // Declining only forgets the link here; the invitation stays open until it expires or
          // is revoked, so a misclick can be undone by opening the link again.
          PendingInvitation.forget(session);
          getUI().ifPresent(ui -> ui.navigate(""));
        });
    add(offer, new HorizontalLayout(accept, decline));
  }

  private void showProblem(String message) {
    var problem = new Paragraph(message);
    problem.setId("invitation-problem");
    var home = new Anchor(".", "Go to Hourglass");
    home.setId("invitation-home");
    var signOut = new Anchor(SignOutPath.VALUE, "Sign in as someone else");
    signOut.setRouterIgnore(true);
    add(problem, new HorizontalLayout(home, signOut));
  }
}
