package dev.hourglass.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One Keycloak for the class (its first start in a fresh home takes about 40 s); the last test
 * restarts it with another app URL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeycloakServerIT {

  private static final String SECRET = "it-client-secret";
  private static final String PASSWORD = "it-demo-password";

  private final Path home = TestFiles.SHARED_HOME.resolve("keycloak");
  private final Path realm = HourglassRealm.writeTo(TestFiles.SHARED_HOME.resolve("it-realm.json"));
  private final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private String appUrl;
  private KeycloakServer keycloak;

  @BeforeAll
  void start_keycloak() {
    appUrl = "http://127.0.0.1:" + FreePorts.pick();
    keycloak = start(appUrl, "keycloak-1.log");
  }

  @AfterAll
  void stop_keycloak() {
    if (keycloak != null) {
      keycloak.close();
    }
  }

  private KeycloakServer start(String app, String log) {
    return KeycloakServer.start(
        new KeycloakServer.Options(
            TestFiles.KEYCLOAK_ZIP,
            home,
            0,
            realm,
            HourglassRealm.placeholders(app, SECRET, PASSWORD),
            Path.of("target/it-logs").toAbsolutePath().resolve(log),
            null));
  }

  @Test
  @Order(1)
  void discovery_document_names_the_realm_url_as_issuer() throws Exception {
    HttpResponse<String> discovery = get(keycloak.realmUrl() + "/.well-known/openid-configuration");

    assertThat(discovery.statusCode()).isEqualTo(200);
    assertThat(discovery.body())
        .contains("\"issuer\":\"" + keycloak.realmUrl() + "\"")
        .contains("\"authorization_endpoint\":\"" + keycloak.realmUrl());
    assertThat(keycloak.realmUrl()).isEqualTo(keycloak.baseUrl() + "/realms/hourglass");
  }

  @Test
  @Order(2)
  void keycloak_imports_the_realm_with_the_app_url_substituted() throws Exception {
    assertThat(authorizationRequest(appUrl + "/callback").statusCode()).isEqualTo(200);
    assertThat(authorizationRequest("http://127.0.0.1:1/callback").statusCode()).isEqualTo(400);

    String client = adminGet("/admin/realms/hourglass/clients?clientId=hourglass");
    assertThat(client)
        .contains("\"redirectUris\":[\"" + appUrl + "/*\"]")
        .contains("\"webOrigins\":[\"" + appUrl + "\"]")
        .contains("\"secret\":\"" + SECRET + "\"")
        .contains("\"directAccessGrantsEnabled\":false")
        .doesNotContain("${HOURGLASS");
  }

  @Test
  @Order(3)
  void demo_user_signs_in_and_the_id_token_carries_realm_roles_as_groups() throws Exception {
    String idToken = signIn("demo", PASSWORD, appUrl + "/callback");
    assertThat(idToken)
        .contains("\"preferred_username\":\"demo\"")
        .contains("\"email\":\"demo@hourglass.local\"")
        .containsPattern("\"groups\":\\[[^]]*\"hourglass-user\"")
        .doesNotContain("hourglass-operator");

    assertThat(signIn("operator", PASSWORD, appUrl + "/callback"))
        .containsPattern("\"groups\":\\[[^]]*\"hourglass-operator\"")
        .containsPattern("\"groups\":\\[[^]]*\"hourglass-user\"");
  }

  @Test
  @Order(4)
  void keycloak_listens_on_loopback_only() throws Exception {
    var processes = TestFiles.handlesMentioning(home.toString());
    assertThat(processes).isNotEmpty();
    for (ProcessHandle process : processes) {
      assertThat(TestFiles.listeningAddresses(process.pid()))
          .allMatch(
              address ->
                  address.startsWith("127.0.0.1:") || address.startsWith("[::ffff:127.0.0.1]:"));
    }
  }

  @Test
  @Order(5)
  void a_second_start_of_the_same_home_is_quick_and_reimports_when_the_app_url_changed()
      throws Exception {
    keycloak.close();
    assertThat(TestFiles.processesMentioning(home.toString())).isEmpty();
    String oldAppUrl = appUrl;
    appUrl = "http://127.0.0.1:" + FreePorts.pick();

    long started = System.nanoTime();
    keycloak = start(appUrl, "keycloak-2.log");
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(took).isLessThan(Duration.ofSeconds(45));
    assertThat(authorizationRequest(appUrl + "/callback").statusCode()).isEqualTo(200);
    assertThat(authorizationRequest(oldAppUrl + "/callback").statusCode()).isEqualTo(400);
    assertThat(signIn("newcomer", PASSWORD, appUrl + "/callback"))
        .contains("\"email\":\"newcomer@hourglass.local\"");
    assertThat(Files.readString(home.resolveSibling("keycloak.state.properties")))
        .doesNotContain(SECRET)
        .doesNotContain(PASSWORD);
  }

  private HttpResponse<String> authorizationRequest(String redirectUri) throws Exception {
    return get(authorizationUrl(redirectUri));
  }

  private String authorizationUrl(String redirectUri) {
    return keycloak.realmUrl()
        + "/protocol/openid-connect/auth?client_id=hourglass&response_type=code&scope=openid"
        + "&state=it-state&nonce=it-nonce&redirect_uri="
        + encode(redirectUri);
  }

  /**
   * The authorization code flow as a browser and the app would run it; returns the ID token's
   * claims.
   */
  private String signIn(String user, String password, String redirectUri) throws Exception {
    Map<String, String> cookies = new LinkedHashMap<>();
    HttpResponse<String> loginPage =
        send(HttpRequest.newBuilder(URI.create(authorizationUrl(redirectUri))), cookies);
    assertThat(loginPage.statusCode()).isEqualTo(200);
    Matcher action =
        Pattern.compile("action=\"([^\"]*login-actions/authenticate[^\"]*)\"")
            .matcher(loginPage.body());
    assertThat(action.find()).as("login form in %s", loginPage.body()).isTrue();

    HttpResponse<String> afterLogin =
        send(
            postForm(
                action.group(1).replace("&amp;", "&"),
                Map.of("username", user, "password", password, "credentialId", "")),
            cookies);
    assertThat(afterLogin.statusCode()).as(afterLogin.body()).isEqualTo(302);
    String location = afterLogin.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith(redirectUri + "?");
    Matcher code = Pattern.compile("[?&]code=([^&]+)").matcher(location);
    assertThat(code.find()).isTrue();

    HttpResponse<String> tokens =
        http.send(
            postForm(
                    keycloak.realmUrl() + "/protocol/openid-connect/token",
                    Map.of(
                        "grant_type",
                        "authorization_code",
                        "code",
                        code.group(1),
                        "redirect_uri",
                        redirectUri,
                        "client_id",
                        "hourglass",
                        "client_secret",
                        SECRET))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
    Matcher idToken = Pattern.compile("\"id_token\":\"([^\"]+)\"").matcher(tokens.body());
    assertThat(idToken.find()).isTrue();
    String payload = idToken.group(1).split("\\.")[1];
    return new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8);
  }

  /** Keycloak's cookies may be marked Secure, which java.net's cookie manager withholds on http. */
  private HttpResponse<String> send(HttpRequest.Builder request, Map<String, String> cookies)
      throws Exception {
    if (!cookies.isEmpty()) {
      request.header(
          "Cookie",
          cookies.entrySet().stream()
              .map(e -> e.getKey() + "=" + e.getValue())
              .collect(Collectors.joining("; ")));
    }
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    for (String setCookie : response.headers().allValues("Set-Cookie")) {
      String pair = setCookie.split(";", 2)[0];
      int eq = pair.indexOf('=');
      cookies.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
    }
    return response;
  }

  private String adminGet(String path) throws Exception {
    HttpResponse<String> token =
        http.send(
            postForm(
                    keycloak.baseUrl() + "/realms/master/protocol/openid-connect/token",
                    Map.of(
                        "grant_type",
                        "password",
                        "client_id",
                        "admin-cli",
                        "username",
                        KeycloakServer.ADMIN_USER,
                        "password",
                        keycloak.adminPassword()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
    Matcher accessToken = Pattern.compile("\"access_token\":\"([^\"]+)\"").matcher(token.body());
    assertThat(accessToken.find()).isTrue();
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(keycloak.baseUrl() + path))
                .header("Authorization", "Bearer " + accessToken.group(1))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder postForm(String url, Map<String, String> fields) {
    return HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(
            HttpRequest.BodyPublishers.ofString(
                fields.entrySet().stream()
                    .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                    .collect(Collectors.joining("&"))));
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
