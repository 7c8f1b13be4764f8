package dev.hourglass.ui.shell;

import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;

/** The short messages pages show after a command: a success, or the service's refusal. */
public final class Notices {

  private Notices() {}

  public static void success(String text) {
    var n = Notification.show(text, 4000, Notification.Position.TOP_CENTER);
    n.addThemeVariants(NotificationVariant.LUMO_SUCCESS);
  }

  /** Shows a message written for the person (a UserFacingException's) as it is. */
  public static void error(String text) {
    var n = Notification.show(text, 10000, Notification.Position.TOP_CENTER);
    n.addThemeVariants(NotificationVariant.LUMO_ERROR);
  }
}
