package dev.hourglass.mail.internal;

import dev.hourglass.mail.MailException;
import dev.hourglass.mail.MailGateway;
import dev.hourglass.mail.OutgoingMail;
import dev.hourglass.platform.Settings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.util.Date;
import java.util.Properties;

/** Sends through Jakarta Mail with host, port, security and credentials from the settings. */
@ApplicationScoped
public class JakartaMailGateway implements MailGateway {

  private Settings.Mail settings;
  private Session session;

  /** For CDI's client proxy only. */
  protected JakartaMailGateway() {}

  @Inject
  public JakartaMailGateway(Settings settings) {
    this(settings.mail());
  }

  public JakartaMailGateway(Settings.Mail settings) {
    this.settings = settings;
    this.session = Session.getInstance(properties(settings));
  }

  static Properties properties(Settings.Mail s) {
    var p = new Properties();
    var protocol = s.security() == Settings.MailSecurity.SSL ? "smtps" : "smtp";
    p.put("mail.transport.protocol", protocol);
    p.put("mail." + protocol + ".host", s.host());
    p.put("mail." + protocol + ".port", String.valueOf(s.port()));
    p.put("mail." + protocol + ".connectiontimeout", "5000");
    p.put("mail." + protocol + ".timeout", "10000");
    p.put("mail." + protocol + ".writetimeout", "10000");
    p.put("mail." + protocol + ".auth", String.valueOf(!s.user().isEmpty()));
    if (s.security() == Settings.MailSecurity.STARTTLS) {
      p.put("mail.smtp.starttls.enable", "true");
      p.put("mail.smtp.starttls.required", "true");
    }
    return p;
  }

  @Override
  public void send(OutgoingMail mail) {
    try {
      var message = new MimeMessage(session);
      message.setFrom(new InternetAddress(settings.from()));
      for (var to : mail.to()) {
        message.addRecipient(Message.RecipientType.TO, new InternetAddress(to, true));
      }
      message.setSubject(mail.subject(), "UTF-8");
      message.setSentDate(new Date());
      if (mail.html() == null) {
        message.setText(mail.text(), "UTF-8");
      } else {
        var alternative = new MimeMultipart("alternative");
        var text = new MimeBodyPart();
        text.setText(mail.text(), "UTF-8");
        var html = new MimeBodyPart();
        html.setContent(mail.html(), "text/html; charset=UTF-8");
        alternative.addBodyPart(text);
        alternative.addBodyPart(html);
        message.setContent(alternative);
      }
      try (Transport transport = session.getTransport()) {
        connect(transport);
        transport.sendMessage(message, message.getAllRecipients());
      }
    } catch (MessagingException e) {
      throw new MailException(
          "Could not send mail through "
              + settings.host()
              + ":"
              + settings.port()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public void checkConnection() {
    try (Transport transport = session.getTransport()) {
      connect(transport);
    } catch (MessagingException e) {
      throw new MailException(
          "SMTP server "
              + settings.host()
              + ":"
              + settings.port()
              + " does not answer: "
              + e.getMessage(),
          e);
    }
  }

  private void connect(Transport transport) throws MessagingException {
    if (settings.user().isEmpty()) {
      transport.connect();
    } else {
      transport.connect(settings.host(), settings.port(), settings.user(), settings.password());
    }
  }
}
