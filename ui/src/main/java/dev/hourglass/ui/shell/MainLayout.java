package dev.hourglass.ui.shell;

import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.RouterLayout;
import com.vaadin.flow.theme.lumo.LumoUtility;
import dev.hourglass.tenant.Membership;
import dev.hourglass.tenant.Permission;
import dev.hourglass.ui.security.SignOutPath;
import dev.hourglass.ui.tenant.TeamPaths;
import dev.hourglass.ui.tenant.WelcomeView;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/**
 * The shell around every signed-in page: who is signed in, which tenant they work in (with a
 * switcher when they belong to several), navigation, and sign-out. People without a tenant are sent
 * to {@link WelcomeView} to create one. Public so that views of every feature package can name it
 * as their layout.
 */
@Dependent
public class MainLayout extends AppLayout implements RouterLayout, BeforeEnterObserver {
  private static final long serialVersionUID = 1L;

  private final SignedInPerson person;
  private final Span tenantName = new Span();
  private final Select<Membership> tenantSwitch = new Select<>();
  private final SideNavItem audit = new SideNavItem("Audit", "audit");

  @Inject
  MainLayout(SignedInPerson person) {
    this.person = person;
    var title = new H1("Hourglass");
    title.addClassNames(LumoUtility.FontSize.LARGE, LumoUtility.Margin.NONE);

    tenantName.setId("current-tenant");
    tenantName.addClassNames(LumoUtility.FontWeight.SEMIBOLD);
    tenantSwitch.setId("tenant-switch");
    tenantSwitch.setItemLabelGenerator(m -> m.tenant().name().value());
    tenantSwitch.setAriaLabel("Switch team");
    tenantSwitch.addValueChangeListener(
        e -> {
          if (e.isFromClient() && e.getValue() != null) {
            person.switchTo(e.getValue());
            getUI().ifPresent(ui -> ui.getPage().reload());
          }
        });

    var name = new Span(person.caller().displayName());
    name.setId("current-person");
    var signOut = new Anchor(SignOutPath.VALUE, "Sign out");
    signOut.setId("sign-out");
    signOut.setRouterIgnore(true);

    var newTeam =
        new Button(
            "New team",
            e -> e.getSource().getUI().ifPresent(ui -> ui.navigate(TeamPaths.NEW_TEAM)));
    newTeam.setId("new-team");
    newTeam.addThemeVariants(ButtonVariant.LUMO_TERTIARY);

    var spacer = new Span();
    var header =
        new HorizontalLayout(
            new DrawerToggle(), title, spacer, tenantName, tenantSwitch, newTeam, name, signOut);
    header.setWidthFull();
    header.setAlignItems(FlexComponent.Alignment.CENTER);
    header.expand(spacer);
    header.addClassNames(LumoUtility.Padding.Horizontal.MEDIUM, LumoUtility.Gap.MEDIUM);
    addToNavbar(header);

    var nav = new SideNav();
    nav.addItem(new SideNavItem("Databases", ""));
    nav.addItem(new SideNavItem("Actions", "actions"));
    nav.addItem(new SideNavItem("Run history", "history"));
    nav.addItem(new SideNavItem("Alerts", "alerts"));
    nav.addItem(new SideNavItem("Team", TeamPaths.TEAM));
    audit.setId("nav-audit");
    nav.addItem(audit);
    addToDrawer(nav);
  }

  @Override
  public void beforeEnter(BeforeEnterEvent event) {
    var current = person.currentMembership();
    if (current.isEmpty()) {
      event.forwardTo(WelcomeView.class);
      return;
    }
    var all = person.memberships();
    audit.setVisible(current.get().role().allows(Permission.VIEW_AUDIT));
    tenantName.setText(current.get().tenant().name().value());
    tenantName.setVisible(all.size() == 1);
    tenantSwitch.setVisible(all.size() > 1);
    tenantSwitch.setItems(all);
    tenantSwitch.setValue(
        all.stream()
            .filter(m -> m.tenant().id().equals(current.get().tenant().id()))
            .findFirst()
            .orElse(null));
  }
}
