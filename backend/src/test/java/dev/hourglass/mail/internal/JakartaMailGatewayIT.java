package dev.hourglass.mail.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.infra.FreePorts;
import dev.hourglass.infra.MailCatcher;
import dev.hourglass.mail.MailException;
import dev.hourglass.mail.OutgoingMail;
import dev.hourglass.platform.Settings;
import jakarta.mail.internet.MimeMultipart;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JakartaMailGatewayIT {

  static MailCatcher smtp;

  @BeforeAll
  static void startSmtp() {
    smtp = MailCatcher.start(0, 0);
  }

  @AfterAll
  static void stopSmtp() {
    smtp.close();
  }

  private static Settings.Mail settings(int port) {
    return new Settings.Mail(
        "127.0.0.1", port, Settings.MailSecurity.NONE, "", "", "hourglass@example.com");
  }

  @Test
  void a_mail_with_text_and_html_arrives_over_smtp() throws Exception {
    var gateway = new JakartaMailGateway(settings(smtp.smtpPort()));
    gateway.checkConnection();
    gateway.send(
        new OutgoingMail(
            List.of("ops@example.com"),
            "Action failed: nightly",
            "plain body",
            "<p>html body</p>"));

    assertThat(smtp.waitForMessages(1, Duration.ofSeconds(10))).isTrue();
    var message = smtp.received().get(0);
    assertThat(message.getSubject()).isEqualTo("Action failed: nightly");
    assertThat(message.getFrom()[0].toString()).isEqualTo("hourglass@example.com");
    var parts = (MimeMultipart) message.getContent();
    assertThat(parts.getCount()).isEqualTo(2);
    assertThat(parts.getBodyPart(0).getContent().toString()).contains("plain body");
    assertThat(parts.getBodyPart(1).getContent().toString()).contains("<p>html body</p>");
  }

  @Test
  void an_smtp_server_that_does_not_answer_is_named() {
    var port = FreePorts.pick();
    var gateway = new JakartaMailGateway(settings(port));
    assertThatThrownBy(gateway::checkConnection)
        .isInstanceOf(MailException.class)
        .hasMessageContaining("127.0.0.1:" + port);
  }
}
