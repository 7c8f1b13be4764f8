package dev.hourglass.mail;

/** The way out to the SMTP server. */
public interface MailGateway {

  /** Sends one mail now; throws {@link MailException} when the server refuses or is away. */
  void send(OutgoingMail mail);

  /** Opens and closes a connection to the SMTP server, to prove it answers. */
  void checkConnection();
}
