package dev.hourglass.mail;

import java.util.List;
import java.util.Objects;

/** One mail to send: plain text always, HTML when there is a richer rendering. */
public record OutgoingMail(List<String> to, String subject, String text, String html) {
  public OutgoingMail {
    to = List.copyOf(to);
    if (to.isEmpty()) {
      throw new IllegalArgumentException("A mail needs at least one recipient");
    }
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(text, "text");
  }
}
