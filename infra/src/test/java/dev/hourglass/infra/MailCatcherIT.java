package dev.hourglass.infra;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class MailCatcherIT {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void mail_catcher_receives_a_mail_sent_with_jakarta_mail_and_lists_its_subject_escaped()
      throws Exception {
    try (MailCatcher catcher = MailCatcher.start(0, 0)) {
      send(catcher, "Run <failed> & retried", "plain text", "<p>Hello <b>Dana</b></p>");

      assertThat(catcher.waitForMessages(1, Duration.ofSeconds(10))).isTrue();
      assertThat(catcher.received()).hasSize(1);
      assertThat(catcher.received().get(0).getSubject()).isEqualTo("Run <failed> & retried");

      String list = get(catcher.webUrl());
      assertThat(list)
          .contains("Run &lt;failed&gt; &amp; retried")
          .doesNotContain("<failed>")
          .contains("hourglass@hourglass.local")
          .contains("demo@hourglass.local");

      String mail = get(catcher.webUrl() + "message/0");
      assertThat(mail)
          .contains("plain text")
          .contains("&lt;p&gt;Hello &lt;b&gt;Dana&lt;/b&gt;&lt;/p&gt;")
          .doesNotContain("<b>Dana</b>");
    }
  }

  @Test
  void newest_mail_is_listed_first_and_clear_forgets_all() throws Exception {
    try (MailCatcher catcher = MailCatcher.start(0, 0)) {
      send(catcher, "first", "1", null);
      assertThat(catcher.waitForMessages(1, Duration.ofSeconds(10))).isTrue();
      Thread.sleep(1100); // received dates have a resolution of one second
      send(catcher, "second", "2", null);
      assertThat(catcher.waitForMessages(2, Duration.ofSeconds(10))).isTrue();

      String list = get(catcher.webUrl());
      assertThat(list.indexOf("second")).isLessThan(list.indexOf("first"));

      catcher.clear();
      assertThat(catcher.received()).isEmpty();
      assertThat(catcher.waitForMessages(1, Duration.ofMillis(200))).isFalse();
    }
  }

  private static void send(MailCatcher catcher, String subject, String text, String html)
      throws Exception {
    Properties props = new Properties();
    props.put("mail.smtp.host", "127.0.0.1");
    props.put("mail.smtp.port", Integer.toString(catcher.smtpPort()));
    MimeMessage message = new MimeMessage(Session.getInstance(props));
    message.setFrom(new InternetAddress("hourglass@hourglass.local"));
    message.setRecipient(Message.RecipientType.TO, new InternetAddress("demo@hourglass.local"));
    message.setSubject(subject);
    if (html == null) {
      message.setText(text);
    } else {
      MimeBodyPart plain = new MimeBodyPart();
      plain.setText(text, "UTF-8");
      MimeBodyPart rich = new MimeBodyPart();
      rich.setContent(html, "text/html; charset=UTF-8");
      message.setContent(new MimeMultipart("alternative", plain, rich));
    }
    Transport.send(message);
  }

  private String get(String url) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }
}
