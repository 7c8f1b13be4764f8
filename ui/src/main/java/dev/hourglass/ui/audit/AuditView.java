package dev.hourglass.ui.audit;

import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.combobox.MultiSelectComboBox;
import com.vaadin.flow.component.datetimepicker.DateTimePicker;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.streams.DownloadHandler;
import dev.hourglass.audit.AuditEvent;
import dev.hourglass.audit.AuditFilter;
import dev.hourglass.audit.AuditKind;
import dev.hourglass.audit.AuditService;
import dev.hourglass.common.UserFacingException;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.Member;
import dev.hourglass.tenant.Membership;
import dev.hourglass.tenant.Permission;
import dev.hourglass.tenant.TenantId;
import dev.hourglass.tenant.TenantService;
import dev.hourglass.ui.shell.MainLayout;
import dev.hourglass.ui.shell.Notices;
import dev.hourglass.ui.shell.SignedInPerson;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;

/**
 * The team's change audit: who changed what, when, from where, and what the fields were before and
 * after. Filters by time (UTC), person, kind, object and text; newest first, fetched page by page
 * as the grid scrolls; the filtered view downloads as CSV.
 */
@Route(value = AuditView.PATH, layout = MainLayout.class)
@PageTitle("Audit · Hourglass")
@Dependent
class AuditView extends VerticalLayout {
  private static final long serialVersionUID = 1L;
  static final String PATH = "audit";

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final transient AuditService audit;
  private final transient TenantService tenants;
  private final Grid<AuditEvent> grid = new Grid<>();
  private final DateTimePicker from = new DateTimePicker("From (UTC)");
  private final DateTimePicker to = new DateTimePicker("To (UTC)");
  private final ComboBox<Member> who = new ComboBox<>("Who");
  private final MultiSelectComboBox<AuditKind> kinds = new MultiSelectComboBox<>("Kind");
  private final TextField object = new TextField("Object");
  private final TextField text = new TextField("Text");
  private final Span problem = new Span();
  private Caller caller;
  private TenantId tenant;
  private volatile AuditFilter filter = AuditFilter.all();

  @Inject
  AuditView(SignedInPerson person, AuditService audit, TenantService tenants) {
    this.audit = audit;
    this.tenants = tenants;
    setSizeFull();
    person.currentMembership().ifPresent(m -> build(person.caller(), m));
  }

  private void build(Caller caller, Membership membership) {
    this.caller = caller;
    this.tenant = membership.tenant().id();
    var title = new H2("Audit");
    if (!membership.role().allows(Permission.VIEW_AUDIT)) {
      var refused =
          new Paragraph(
              "Only owners and admins of the team see its audit. Ask one of them if you need to"
                  + " know who changed something.");
      refused.setId("audit-refused");
      add(title, refused);
      return;
    }
    add(
        title,
        new Paragraph(
            "Every change to the team's actions, databases, members, invitations and settings,"
                + " and every sign-in of its members, newest first. Secrets are never shown."));
    add(filters(), grid());
    refresh();
  }

  private HorizontalLayout filters() {
    from.setId("audit-from");
    to.setId("audit-to");
    who.setId("audit-who");
    who.setItems(tenants.members(caller, tenant));
    who.setItemLabelGenerator(Member::displayName);
    who.setClearButtonVisible(true);
    kinds.setId("audit-kind");
    kinds.setItems(EnumSet.allOf(AuditKind.class));
    kinds.setItemLabelGenerator(AuditKind::label);
    kinds.setClearButtonVisible(true);
    object.setId("audit-object");
    object.setPlaceholder("id or part of a name");
    text.setId("audit-text");
    text.setPlaceholder("any part of a row");
    for (var field : new TextField[] {object, text}) {
      field.setValueChangeMode(ValueChangeMode.LAZY);
      field.setClearButtonVisible(true);
      field.addValueChangeListener(e -> refresh());
    }
    from.addValueChangeListener(e -> refresh());
    to.addValueChangeListener(e -> refresh());
    who.addValueChangeListener(e -> refresh());
    kinds.addValueChangeListener(e -> refresh());

    var export = new Anchor(csvDownload(), "Export CSV");
    export.setId("audit-export");
    problem.setId("audit-problem");
    problem.getStyle().set("color", "var(--lumo-error-text-color)");
    var bar = new HorizontalLayout(from, to, who, kinds, object, text, export);
    bar.setAlignItems(FlexComponent.Alignment.BASELINE);
    bar.setWrap(true);
    var column = new VerticalLayout(bar, problem);
    column.setPadding(false);
    return new HorizontalLayout(column);
  }

  private Grid<AuditEvent> grid() {
    grid.setId("audit-grid");
    grid.setSizeFull();
    grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
    grid.setPageSize(50);
    grid.addColumn(e -> TIME.format(e.at())).setHeader("When (UTC)").setAutoWidth(true);
    grid.addColumn(AuditEvent::actorName).setHeader("Who").setAutoWidth(true);
    grid.addColumn(AuditEvent::address).setHeader("From").setAutoWidth(true);
    grid.addColumn(e -> e.kind().label()).setHeader("Kind").setAutoWidth(true);
    grid.addColumn(AuditEvent::operation).setHeader("Change").setAutoWidth(true);
    grid.addColumn(e -> e.objectName().orElse(e.objectId().orElse("")))
        .setHeader("Object")
        .setAutoWidth(true);
    grid.addComponentColumn(
            e -> {
              var changes = new Span(e.changesText());
              changes.getStyle().set("white-space", "pre-wrap");
              return changes;
            })
        .setHeader("Before → after")
        .setWidth("24rem")
        .setFlexGrow(1);
    return grid;
  }

  private void refresh() {
    AuditFilter next;
    try {
      next =
          new AuditFilter(
              Optional.ofNullable(from.getValue()).map(t -> t.toInstant(ZoneOffset.UTC)),
              Optional.ofNullable(to.getValue()).map(t -> t.toInstant(ZoneOffset.UTC)),
              Optional.ofNullable(who.getValue()).map(Member::subject),
              kinds.getValue(),
              Optional.ofNullable(object.getValue()),
              Optional.ofNullable(text.getValue()));
    } catch (UserFacingException e) {
      problem.setText(e.getMessage());
      return;
    }
    problem.setText("");
    filter = next;
    var current = next;
    grid.setItems(
        query -> {
          try {
            return audit
                .find(caller, tenant, current, query.getOffset(), query.getLimit())
                .stream();
          } catch (UserFacingException e) {
            Notices.error(e.getMessage());
            return java.util.stream.Stream.empty();
          }
        });
  }

  private DownloadHandler csvDownload() {
    return event -> {
      event.setFileName("hourglass-audit.csv");
      event.setContentType("text/csv; charset=UTF-8");
      try (Writer out = new OutputStreamWriter(event.getOutputStream(), StandardCharsets.UTF_8)) {
        audit.exportCsv(caller, tenant, filter, out);
      }
    };
  }
}
