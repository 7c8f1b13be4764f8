package dev.hourglass.ui.database;

import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import dev.hourglass.common.InvalidInputException;
import dev.hourglass.database.ConnectionSpec;
import dev.hourglass.database.DatabaseDraft;
import dev.hourglass.database.RegisteredDatabase;
import dev.hourglass.database.SslMode;
import java.util.Map;

/**
 * The fields of a database registration. It knows no service: it turns its fields into a {@link
 * DatabaseDraft}, and shows a refused field's message next to that field.
 */
class DatabaseForm extends FormLayout {
  private static final long serialVersionUID = 1L;

  final TextField name = new TextField("Name");
  final TextField environment = new TextField("Environment");
  final TextField host = new TextField("Host");
  final IntegerField port = new IntegerField("Port");
  final TextField database = new TextField("Database");
  final TextField user = new TextField("User");
  final PasswordField password = new PasswordField("Password");
  final Select<SslMode> sslMode = new Select<>();
  final TextArea caCertificate = new TextArea("CA certificate (PEM)");
  private boolean editing;

  DatabaseForm() {
    name.setId("db-name");
    name.setRequiredIndicatorVisible(true);
    name.setMaxLength(80);
    name.setHelperText("How your team calls it, e.g. Sales (production)");
    environment.setId("db-environment");
    environment.setHelperText("A tag to filter by, e.g. production, staging");
    environment.setMaxLength(40);
    host.setId("db-host");
    host.setRequiredIndicatorVisible(true);
    port.setId("db-port");
    port.setValue(5432);
    port.setMin(1);
    port.setMax(65535);
    database.setId("db-database");
    database.setRequiredIndicatorVisible(true);
    user.setId("db-user");
    user.setRequiredIndicatorVisible(true);
    password.setId("db-password");
    password.setRevealButtonVisible(false);
    sslMode.setId("db-ssl");
    sslMode.setLabel("SSL");
    sslMode.setItems(SslMode.values());
    sslMode.setItemLabelGenerator(m -> m.value() + " – " + m.label());
    sslMode.setValue(SslMode.PREFER);
    sslMode.addValueChangeListener(e -> caCertificate.setVisible(showCa()));
    caCertificate.setId("db-ca");
    caCertificate.setHelperText(
        "The certificate of the CA that signed the server's certificate; needed for verify-ca"
            + " and verify-full");
    caCertificate.getStyle().set("font-family", "var(--lumo-font-family-monospace)");
    caCertificate.setVisible(false);
    add(name, environment, host, port, database, user, password, sslMode, caCertificate);
    setColspan(caCertificate, 2);
  }

  private boolean showCa() {
    return sslMode.getValue() != null && sslMode.getValue().verifiesCertificate();
  }

  /** Fills the form from a saved database; the password stays empty, meaning "keep". */
  void fill(RegisteredDatabase d) {
    editing = true;
    name.setValue(d.name());
    environment.setValue(d.environment());
    host.setValue(d.host());
    port.setValue(d.port());
    database.setValue(d.database());
    user.setValue(d.user());
    sslMode.setValue(d.sslMode());
    password.setPlaceholder("Unchanged – type to replace");
    password.setHelperText("Stored encrypted; never shown. Leave empty to keep it.");
    caCertificate.setValue(d.caCertificate().orElse(""));
  }

  /** True when editing and no new password was typed: the stored one is used. */
  boolean keepsStoredPassword() {
    return editing && password.isEmpty();
  }

  /**
   * The draft the fields describe.
   *
   * @throws InvalidInputException after marking the field it names
   */
  DatabaseDraft draft() {
    clearErrors();
    try {
      var spec =
          new ConnectionSpec(
              host.getValue(),
              port.getValue() == null ? 0 : port.getValue(),
              database.getValue(),
              user.getValue(),
              password.getValue(),
              sslMode.getValue() == null ? SslMode.PREFER : sslMode.getValue(),
              caCertificate.getValue());
      return new DatabaseDraft(
          name.getValue(), environment.getValue(), spec, keepsStoredPassword());
    } catch (InvalidInputException e) {
      markField(e);
      throw e;
    }
  }

  private void markField(InvalidInputException e) {
    Map<String, HasValidation> fields =
        Map.of(
            "name", name,
            "environment", environment,
            "host", host,
            "port", port,
            "database", database,
            "user", user,
            "password", password,
            "sslMode", sslMode,
            "caCertificatePem", caCertificate);
    var field = fields.get(e.field());
    if (field != null) {
      field.setErrorMessage(e.getMessage());
      field.setInvalid(true);
    }
  }

  private void clearErrors() {
    for (HasValidation f :
        new HasValidation[] {
          name, environment, host, port, database, user, password, sslMode, caCertificate
        }) {
      f.setInvalid(false);
    }
  }
}
