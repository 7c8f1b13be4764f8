package dev.hourglass.tenant.internal;

import dev.hourglass.mail.OutgoingMail;
import dev.hourglass.security.Caller;
import dev.hourglass.tenant.EmailAddress;
import dev.hourglass.tenant.Role;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** The mail that carries an invitation link, in plain text and HTML. */
final class InvitationMail {

  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("d MMMM yyyy, HH:mm z", Locale.ENGLISH);

  private InvitationMail() {}

  static OutgoingMail compose(
      EmailAddress to,
      Caller from,
      String teamName,
      Role role,
      URI link,
      Instant expires,
      ZoneId zone) {
    var roleName = role.label().toLowerCase(Locale.ROOT);
    var until = WHEN.format(expires.atZone(zone));
    var subject = "[Hourglass] " + from.displayName() + " invites you to " + teamName;
    var text =
        from.displayName()
            + " invites you to join the team \""
            + teamName
            + "\" on Hourglass as "
            + roleName
            + ".\n\nOpen this link and sign in to join:\n"
            + link
            + "\n\nThe link works once, for "
            + to
            + ", until "
            + until
            + ".\nIf you did not expect this mail, ignore it.\n";
    var html =
        "<p>"
            + escape(from.displayName())
            + " invites you to join the team <b>"
            + escape(teamName)
            + "</b> on Hourglass as "
            + roleName
            + ".</p><p><a href=\""
            + escape(link.toString())
            + "\">Join "
            + escape(teamName)
            + "</a></p><p>The link works once, for "
            + escape(to.value())
            + ", until "
            + escape(until)
            + ". If you did not expect this mail, ignore it.</p>";
    return new OutgoingMail(List.of(to.value()), subject, text, html);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
