package dev.hourglass.ui.action;

import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;

/** The services' sentences, shown as they are. */
final class Feedback {

  private Feedback() {}

  static void error(String message) {
    Notification.show(message, 8000, Notification.Position.TOP_CENTER)
        .addThemeVariants(NotificationVariant.LUMO_ERROR);
  }

  static void success(String message) {
    Notification.show(message, 3000, Notification.Position.TOP_CENTER)
        .addThemeVariants(NotificationVariant.LUMO_SUCCESS);
  }
}
