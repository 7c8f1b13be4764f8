package dev.hourglass.ui.tenant;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.hourglass.common.InvalidInputException;
import dev.hourglass.common.UserFacingException;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.EmailAddress;
import dev.hourglass.tenant.Invitation;
import dev.hourglass.tenant.Member;
import dev.hourglass.tenant.Membership;
import dev.hourglass.tenant.Permission;
import dev.hourglass.tenant.Role;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.tenant.TenantName;
import dev.hourglass.tenant.TenantService;
import dev.hourglass.ui.action.RetentionForm;
import dev.hourglass.ui.shell.MainLayout;
import dev.hourglass.ui.shell.Notices;
import dev.hourglass.ui.shell.SignedInPerson;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The current team: its members, and for admins and owners the invitations, role changes, removal
 * and renaming. Every command goes through {@link TenantService}, which checks the role again; what
 * this page hides is a convenience, and a refusal is shown with the service's own message.
 */
@Route(value = TeamPaths.TEAM, layout = MainLayout.class)
@PageTitle("Team · Hourglass")
@Dependent
class TeamView extends VerticalLayout {
  private static final long serialVersionUID = 1L;

  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter MINUTE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final SignedInPerson person;
  private final TenantService tenants;
  private final Grid<Member> members = new Grid<>();
  private final Grid<Invitation> invitations = new Grid<>();
  private final Paragraph noInvitations = new Paragraph("No open invitations.");
  private final H2 title = new H2();
  private TenantId tenant;
  private Role mine;

  private final RetentionForm retention;

  @Inject
  TeamView(SignedInPerson person, TenantService tenants, RetentionForm retention) {
    this.person = person;
    this.tenants = tenants;
    this.retention = retention;
    setMaxWidth("64rem");
    // The shell forwards people without a team to the welcome page; nothing to build then.
    person.currentMembership().ifPresent(this::build);
  }

  private void build(Membership membership) {
    tenant = membership.tenant().id();
    mine = membership.role();
    title.setId("team-title");
    title.setText(membership.tenant().name().value());
    var yourRole =
        new Paragraph(
            "You are "
                + lower(mine)
                + " of this team."
                + (mine.allows(Permission.MANAGE_MEMBERS)
                    ? ""
                    : " Owners and admins invite people and change roles."));
    yourRole.setId("team-your-role");
    add(title, yourRole, new H3("Members"), membersGrid());
    if (mine.allows(Permission.MANAGE_MEMBERS)) {
      add(new H3("Invite someone"), inviteForm(), new H3("Open invitations"), invitationsGrid());
      add(noInvitations);
    }
    if (mine.allows(Permission.MANAGE_TENANT)) {
      add(new H3("Team name"), renameForm());
    }
    add(new H3("Run history retention"), retention);
    add(new H3("Leave"), leaveButton());
    refreshMembers();
    refreshInvitations();
  }

  private Caller caller() {
    return person.caller();
  }

  private Component membersGrid() {
    members.setId("members-grid");
    members.setAllRowsVisible(true);
    members.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
    members.addColumn(Member::displayName).setHeader("Name").setAutoWidth(true);
    members.addColumn(Member::email).setHeader("Mail").setAutoWidth(true);
    if (mine.allows(Permission.MANAGE_MEMBERS)) {
      members.addComponentColumn(this::roleEditor).setHeader("Role").setAutoWidth(true);
    } else {
      members.addColumn(m -> m.role().label()).setHeader("Role").setAutoWidth(true);
    }
    members.addColumn(m -> DAY.format(m.joinedAt())).setHeader("Joined (UTC)").setAutoWidth(true);
    if (mine.allows(Permission.MANAGE_MEMBERS)) {
      members.addComponentColumn(this::removeButton).setAutoWidth(true).setFlexGrow(0);
    }
    return members;
  }

  private Component roleEditor(Member member) {
    // Only owners make or unmake owners; admins see an owner's role as text.
    if (member.role() == Role.OWNER && mine != Role.OWNER) {
      return new Span(member.role().label());
    }
    var select = new Select<Role>();
    select.setItems(assignableRoles());
    select.setItemLabelGenerator(Role::label);
    select.setValue(member.role());
    select.setAriaLabel("Role of " + member.displayName());
    select.addClassName("member-role");
    select.setId("role-" + member.username());
    select.addValueChangeListener(
        e -> {
          if (!e.isFromClient() || e.getValue() == null || e.getValue() == e.getOldValue()) {
            return;
          }
          try {
            tenants.changeRole(caller(), tenant, member.subject(), e.getValue());
            Notices.success(member.displayName() + " is now " + lower(e.getValue()) + ".");
          } catch (UserFacingException ex) {
            Notices.error(ex.getMessage());
          }
          refreshMembers();
        });
    return select;
  }

  private List<Role> assignableRoles() {
    return Arrays.stream(Role.values()).filter(r -> r != Role.OWNER || mine == Role.OWNER).toList();
  }

  private Component removeButton(Member member) {
    if (member.subject().equals(caller().subject())) {
      return new Span();
    }
    var remove = new Button("Remove");
    remove.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_TERTIARY);
    remove.setAriaLabel("Remove " + member.displayName());
    remove.addClassName("member-remove");
    remove.setId("remove-" + member.username());
    remove.addClickListener(
        e ->
            confirm(
                "Remove " + member.displayName() + "?",
                member.displayName()
                    + " loses access to "
                    + title.getText()
                    + " at once. You can invite them again later.",
                "Remove",
                () -> {
                  tenants.removeMember(caller(), tenant, member.subject());
                  Notices.success(member.displayName() + " was removed from the team.");
                  refreshMembers();
                }));
    return remove;
  }

  private Component inviteForm() {
    var email = new TextField("Mail address");
    email.setId("invite-email");
    email.setPlaceholder("name@example.com");
    email.setMinWidth("20rem");
    var role = new Select<Role>();
    role.setId("invite-role");
    role.setLabel("Role");
    role.setItems(assignableRoles());
    role.setItemLabelGenerator(Role::label);
    role.setValue(Role.VIEWER);
    var send = new Button("Send invitation");
    send.setId("invite-send");
    send.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    send.addClickListener(
        e -> {
          email.setInvalid(false);
          try {
            var address = new EmailAddress(email.getValue());
            var sent = tenants.invite(caller(), tenant, address, role.getValue());
            Notices.success(
                "Invitation sent to " + sent.email() + " as " + lower(sent.role()) + ".");
            email.clear();
            refreshInvitations();
          } catch (InvalidInputException ex) {
            email.setErrorMessage(ex.getMessage());
            email.setInvalid(true);
            Notices.error(ex.getMessage());
          } catch (UserFacingException ex) {
            Notices.error(ex.getMessage());
          }
        });
    var form = new HorizontalLayout(email, role, send);
    form.setAlignItems(FlexComponent.Alignment.BASELINE);
    var hint =
        new Paragraph(
            "Hourglass mails them a link that works once, for seven days, for that address only.");
    var box = new VerticalLayout(form, hint);
    box.setPadding(false);
    box.setSpacing(false);
    return box;
  }

  private Component invitationsGrid() {
    invitations.setId("invitations-grid");
    invitations.setAllRowsVisible(true);
    invitations.addColumn(Invitation::email).setHeader("Mail").setAutoWidth(true);
    invitations.addColumn(i -> i.role().label()).setHeader("Role").setAutoWidth(true);
    invitations.addColumn(Invitation::invitedBy).setHeader("Invited by").setAutoWidth(true);
    invitations
        .addColumn(i -> MINUTE.format(i.expiresAt()))
        .setHeader("Expires")
        .setAutoWidth(true);
    invitations
        .addComponentColumn(
            i -> {
              var revoke = new Button("Revoke");
              revoke.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_TERTIARY);
              revoke.setAriaLabel("Revoke the invitation for " + i.email());
              revoke.addClassName("invitation-revoke");
              revoke.setId("revoke-" + i.email());
              revoke.addClickListener(
                  e -> {
                    try {
                      tenants.revokeInvitation(caller(), tenant, i.id());
                      Notices.success("The invitation for " + i.email() + " was revoked.");
                    } catch (UserFacingException ex) {
                      Notices.error(ex.getMessage());
                    }
                    refreshInvitations();
                  });
              return revoke;
            })
        .setAutoWidth(true)
        .setFlexGrow(0);
    return invitations;
  }

  private Component renameForm() {
    var name = new TextField("Name");
    name.setId("rename-name");
    name.setMaxLength(TenantName.MAX_LENGTH);
    name.setMinWidth("20rem");
    name.setValue(title.getText());
    var save = new Button("Rename");
    save.setId("rename-save");
    save.addClickListener(
        e -> {
          name.setInvalid(false);
          try {
            var renamed = tenants.rename(caller(), tenant, new TenantName(name.getValue()));
            Notices.success("The team is now called " + renamed.name() + ".");
            // Navigating again lets the shell show the new name at the top.
            getUI().ifPresent(ui -> ui.navigate(TeamPaths.TEAM));
            title.setText(renamed.name().value());
          } catch (InvalidInputException ex) {
            name.setErrorMessage(ex.getMessage());
            name.setInvalid(true);
            Notices.error(ex.getMessage());
          } catch (UserFacingException ex) {
            Notices.error(ex.getMessage());
          }
        });
    var form = new HorizontalLayout(name, save);
    form.setAlignItems(FlexComponent.Alignment.BASELINE);
    return form;
  }

  private Component leaveButton() {
    var leave = new Button("Leave team");
    leave.setId("leave-team");
    leave.addThemeVariants(ButtonVariant.LUMO_ERROR);
    leave.addClickListener(
        e ->
            confirm(
                "Leave " + title.getText() + "?",
                "You lose access to this team's databases and actions. To come back, someone"
                    + " has to invite you again.",
                "Leave team",
                () -> {
                  tenants.leave(caller(), tenant);
                  person.switchTo(null);
                  Notices.success("You left " + title.getText() + ".");
                  // A reload rebuilds the shell without the team you left.
                  getUI().ifPresent(ui -> ui.getPage().setLocation("."));
                }));
    return leave;
  }

  /** Asks first; runs {@code command} on confirmation and shows a refusal as the service says. */
  private void confirm(String header, String text, String confirmText, Runnable command) {
    var dialog = new ConfirmDialog();
    dialog.setHeader(header);
    dialog.setText(text);
    dialog.setCancelable(true);
    var ok = new Button(confirmText);
    ok.setId("confirm-action");
    ok.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_PRIMARY);
    ok.addClickListener(
        e -> {
          dialog.close();
          try {
            command.run();
          } catch (UserFacingException ex) {
            Notices.error(ex.getMessage());
          }
        });
    dialog.setConfirmButton(ok);
    dialog.open();
  }

  private void refreshMembers() {
    try {
      members.setItems(tenants.members(caller(), tenant));
    } catch (UserFacingException ex) {
      Notices.error(ex.getMessage());
    }
  }

  private void refreshInvitations() {
    if (!mine.allows(Permission.MANAGE_MEMBERS)) {
      return;
    }
    try {
      var open = tenants.openInvitations(caller(), tenant);
      invitations.setItems(open);
      invitations.setVisible(!open.isEmpty());
      noInvitations.setVisible(open.isEmpty());
    } catch (UserFacingException ex) {
      Notices.error(ex.getMessage());
    }
  }

  private static String lower(Role role) {
    return role.label().toLowerCase(Locale.ROOT);
  }
}
