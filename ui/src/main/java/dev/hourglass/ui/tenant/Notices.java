package dev.hourglass.ui.tenant;

import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;

/** The short messages the team pages show after a command: a success, or the service's refusal. */
final class Notices {

  private Notices() {}

  static void success(String text) {
    var n = Notification.show(text, 4000, Notification.Position.BOTTOM_START);
    n.addThemeVariants(NotificationVariant.LUMO_SUCCESS);
  }

  /** Shows a message written for the person (a UserFacingException's) as it is. */
  static void error(String text) {
    var n = Notification.show(text, 10000, Notification.Position.MIDDLE);
    n.addThemeVariants(NotificationVariant.LUMO_ERROR);
  }
}
