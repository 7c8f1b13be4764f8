package dev.hourglass.mail;

/** The SMTP server could not be reached or refused a mail. Never carries credentials. */
public class MailException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MailException(String message, Throwable cause) {
    super(message, cause);
  }
}
