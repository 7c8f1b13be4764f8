package dev.hourglass.infra;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * An SMTP server (GreenMail, no authentication) that keeps every mail it receives, and a small web
 * page listing them, both on 127.0.0.1. For tests and for the local stack: nothing leaves the
 * machine.
 */
public final class MailCatcher implements AutoCloseable {

  private final GreenMail greenMail;
  private final HttpServer web;
  private final int smtpPort;

  private MailCatcher(GreenMail greenMail, HttpServer web, int smtpPort) {
    this.greenMail = greenMail;
    this.web = web;
    this.smtpPort = smtpPort;
  }

  /** Starts both servers; a port of 0 means a free one. */
  public static MailCatcher start(int smtpPortOr0, int webPortOr0) {
    int smtpPort = smtpPortOr0 == 0 ? FreePorts.pick() : smtpPortOr0;
    GreenMail greenMail =
        new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
            .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
    greenMail.start();
    try {
      HttpServer web =
          HttpServer.create(
              new InetSocketAddress(
                  InetAddress.getLoopbackAddress(),
                  webPortOr0 == 0 ? FreePorts.pick() : webPortOr0),
              0);
      MailCatcher catcher = new MailCatcher(greenMail, web, smtpPort);
      web.createContext("/", catcher::handle);
      web.start();
      return catcher;
    } catch (IOException | RuntimeException e) {
      greenMail.stop();
      throw new ServiceStartException("Mail catcher web page did not start: " + e.getMessage(), e);
    }
  }

  public int smtpPort() {
    return smtpPort;
  }

  public String webUrl() {
    return "http://127.0.0.1:" + web.getAddress().getPort() + "/";
  }

  /**
   * Every mail received so far, oldest first; a mail to several recipients is there once per
   * recipient.
   */
  public List<MimeMessage> received() {
    return Arrays.stream(greenMail.getReceivedMessages())
        .sorted(Comparator.comparing(MailCatcher::receivedAt))
        .collect(Collectors.toList());
  }

  /** Waits until at least {@code count} mails have arrived in total; false on time-out. */
  public boolean waitForMessages(int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (greenMail.getReceivedMessages().length < count) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** Forgets all mails, so one test does not see another's. */
  public void clear() {
    try {
      greenMail.purgeEmailFromAllMailboxes();
    } catch (FolderException e) {
      throw new IllegalStateException("Could not purge the mail catcher's mailboxes", e);
    }
  }

  @Override
  public void close() {
    web.stop(0);
    greenMail.stop();
  }

  private static Date receivedAt(MimeMessage message) {
    try {
      return Optional.ofNullable(message.getReceivedDate())
          .or(() -> Optional.ofNullable(sentDate(message)))
          .orElse(new Date(0));
    } catch (MessagingException e) {
      return new Date(0);
    }
  }

  private static Date sentDate(MimeMessage message) {
    try {
      return message.getSentDate();
    } catch (MessagingException e) {
      return null;
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      List<MimeMessage> messages = received();
      if (path.equals("/")) {
        respond(exchange, 200, listPage(messages));
      } else if (path.matches("/message/\\d{1,9}")) {
        int index = Integer.parseInt(path.substring("/message/".length()));
        if (index < messages.size()) {
          respond(exchange, 200, messagePage(messages.get(index)));
        } else {
          respond(
              exchange,
              404,
              page("No such mail", "<p>No such mail. <a href=\"/\">All mails</a></p>"));
        }
      } else {
        respond(exchange, 404, page("Not found", "<p><a href=\"/\">All mails</a></p>"));
      }
    } catch (MessagingException e) {
      throw new IOException("Could not read a received mail", e);
    }
  }

  private static String listPage(List<MimeMessage> messages) throws MessagingException {
    StringBuilder rows = new StringBuilder();
    for (int i = messages.size() - 1; i >= 0; i--) {
      MimeMessage m = messages.get(i);
      rows.append("<tr><td>")
          .append(escape(String.valueOf(receivedAt(m))))
          .append("</td><td>")
          .append(escape(addresses(m.getFrom())))
          .append("</td><td>")
          .append(escape(addresses(m.getAllRecipients())))
          .append("</td><td><a href=\"/message/")
          .append(i)
          .append("\">")
          .append(escape(Optional.ofNullable(m.getSubject()).orElse("(no subject)")))
          .append("</a></td></tr>\n");
    }
    String body =
        messages.isEmpty()
            ? "<p>No mail yet. This page reloads every 5 seconds.</p>"
            : "<table><thead><tr><th>Received</th><th>From</th><th>To</th><th>Subject</th></tr>"
                + "</thead><tbody>\n"
                + rows
                + "</tbody></table>";
    return page("Mail catcher", "<h1>Mail catcher</h1>" + body)
        .replace("<head>", "<head><meta http-equiv=\"refresh\" content=\"5\">");
  }

  private static String messagePage(MimeMessage m) throws MessagingException, IOException {
    StringBuilder text = new StringBuilder();
    StringBuilder html = new StringBuilder();
    collectBodies(m, text, html);
    String body =
        "<p><a href=\"/\">All mails</a></p><h1>"
            + escape(Optional.ofNullable(m.getSubject()).orElse("(no subject)"))
            + "</h1><dl><dt>Received</dt><dd>"
            + escape(String.valueOf(receivedAt(m)))
            + "</dd><dt>From</dt><dd>"
            + escape(addresses(m.getFrom()))
            + "</dd><dt>To</dt><dd>"
            + escape(addresses(m.getAllRecipients()))
            + "</dd></dl>"
            + (text.length() > 0 ? "<h2>Text</h2><pre>" + escape(text.toString()) + "</pre>" : "")
            // Shown as source, never rendered: a mail's HTML must not run in this page.
            + (html.length() > 0 ? "<h2>HTML</h2><pre>" + escape(html.toString()) + "</pre>" : "");
    return page(Optional.ofNullable(m.getSubject()).orElse("Mail"), body);
  }

  private static void collectBodies(Part part, StringBuilder text, StringBuilder html)
      throws MessagingException, IOException {
    if (part.isMimeType("text/plain")) {
      text.append(part.getContent());
    } else if (part.isMimeType("text/html")) {
      html.append(part.getContent());
    } else if (part.isMimeType("multipart/*")) {
      Multipart multipart = (Multipart) part.getContent();
      for (int i = 0; i < multipart.getCount(); i++) {
        BodyPart child = multipart.getBodyPart(i);
        collectBodies(child, text, html);
      }
    }
  }

  private static String addresses(Address[] addresses) {
    return addresses == null
        ? ""
        : Arrays.stream(addresses).map(Address::toString).collect(Collectors.joining(", "));
  }

  private static String page(String title, String body) {
    return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>"
        + escape(title)
        + "</title><style>body{font-family:sans-serif;margin:2em}td,th{padding:.3em .8em;"
        + "text-align:left;border-bottom:1px solid #ddd}pre{white-space:pre-wrap;"
        + "background:#f6f6f6;padding:1em}</style></head><body>"
        + body
        + "</body></html>";
  }

  static String escape(String text) {
    StringBuilder escaped = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> escaped.append("&amp;");
        case '<' -> escaped.append("&lt;");
        case '>' -> escaped.append("&gt;");
        case '"' -> escaped.append("&quot;");
        case '\'' -> escaped.append("&#39;");
        default -> escaped.append(c);
      }
    }
    return escaped.toString();
  }

  private static void respond(HttpExchange exchange, int status, String html) throws IOException {
    byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
    exchange
        .getResponseHeaders()
        .set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
