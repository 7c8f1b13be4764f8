package dev.hourglass.ui.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {

  private static final List<dev.hourglass.database.IpRange> PROXIES =
      ClientAddress.parse("172.16.0.0/12, fd00::/8");

  @Test
  void without_trusted_proxies_the_socket_address_is_the_client_whatever_the_headers_say() {
    assertThat(ClientAddress.of("172.18.0.5", List.of("198.51.100.7"), List.of()))
        .isEqualTo("172.18.0.5");
  }

  @Test
  void a_request_from_a_trusted_proxy_names_the_last_hop_before_it() {
    assertThat(ClientAddress.of("172.18.0.5", List.of("198.51.100.7"), PROXIES))
        .isEqualTo("198.51.100.7");
    // Two proxies in a row, over two headers: the client is left of both.
    assertThat(
            ClientAddress.of("172.18.0.5", List.of("198.51.100.7, 172.18.0.9", "fd00::3"), PROXIES))
        .isEqualTo("198.51.100.7");
  }

  @Test
  void an_address_the_client_wrote_itself_is_not_believed() {
    // The client sent "X-Forwarded-For: 203.0.113.1"; the proxy appended the real address.
    assertThat(ClientAddress.of("172.18.0.5", List.of("203.0.113.1, 198.51.100.7"), PROXIES))
        .isEqualTo("198.51.100.7");
  }

  @Test
  void headers_from_an_untrusted_peer_or_unreadable_chains_fall_back_to_the_socket() {
    assertThat(ClientAddress.of("198.51.100.9", List.of("203.0.113.1"), PROXIES))
        .isEqualTo("198.51.100.9");
    assertThat(ClientAddress.of("172.18.0.5", List.of("unknown"), PROXIES)).isEqualTo("172.18.0.5");
    assertThat(ClientAddress.of("172.18.0.5", List.of("evil.example.com"), PROXIES))
        .isEqualTo("172.18.0.5");
    assertThat(ClientAddress.of("172.18.0.5", List.of(), PROXIES)).isEqualTo("172.18.0.5");
  }

  @Test
  void a_misspelled_setting_is_refused_by_name() {
    assertThatThrownBy(() -> ClientAddress.parse("172.16.0.0/33"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("172.16.0.0/33");
  }
}
