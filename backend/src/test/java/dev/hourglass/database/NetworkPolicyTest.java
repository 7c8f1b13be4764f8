package dev.hourglass.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NetworkPolicyTest {

  private static final NetworkPolicy OPEN = NetworkPolicy.of(List.of(), List.of(), List.of());

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static InetAddress mapped(String ipv4) {
    byte[] v4 = ip(ipv4).getAddress();
    byte[] v6 = new byte[16];
    v6[10] = (byte) 0xff;
    v6[11] = (byte) 0xff;
    System.arraycopy(v4, 0, v6, 12, 4);
    try {
      // Built from bytes, so Java keeps it an Inet6Address instead of unmapping it.
      return java.net.Inet6Address.getByAddress(null, v6, null);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void an_open_policy_allows_ordinary_addresses_of_both_families() {
    assertThat(OPEN.refusal(ip("203.0.113.9"), 5432)).isEmpty();
    assertThat(OPEN.refusal(ip("2001:db8::5"), 5432)).isEmpty();
    assertThat(OPEN.refusal(ip("127.0.0.1"), 5432)).isEmpty();
  }

  @Test
  void a_protected_endpoint_given_as_an_unresolved_ip_literal_is_protected() {
    var policy =
        NetworkPolicy.of(
            List.of(), List.of(), List.of(InetSocketAddress.createUnresolved("10.1.2.3", 5432)));
    assertThat(policy.refusal(ip("10.1.2.3"), 5432)).isPresent();
    assertThat(policy.refusal(ip("10.1.2.3"), 5433)).isEmpty();
  }

  @Test
  void the_cloud_metadata_address_is_refused_by_default() {
    assertThat(OPEN.refusal(ip("169.254.169.254"), 80))
        .hasValueSatisfying(reason -> assertThat(reason).contains("169.254.169.254", "link-local"));
    assertThat(OPEN.refusal(ip("fe80::1"), 5432)).isPresent();
    assertThat(OPEN.refusal(ip("fd00:ec2::254"), 80))
        .hasValueSatisfying(reason -> assertThat(reason).contains("fd00:ec2::254", "metadata"));
  }

  @Test
  void the_unspecified_addresses_are_refused_because_they_reach_this_machine() {
    assertThat(OPEN.refusal(ip("0.0.0.0"), 5432))
        .hasValueSatisfying(reason -> assertThat(reason).contains("0.0.0.0", "unspecified"));
    assertThat(OPEN.refusal(ip("::"), 5432))
        .hasValueSatisfying(reason -> assertThat(reason).contains("::", "unspecified"));
  }

  @Test
  void an_ipv4_mapped_ipv6_address_is_judged_as_the_ipv4_address_it_carries() {
    assertThat(OPEN.refusal(mapped("169.254.169.254"), 80)).isPresent();
    var deny = NetworkPolicy.of(List.of(), List.of("10.0.0.0/8"), List.of());
    assertThat(deny.refusal(mapped("10.1.2.3"), 5432))
        .hasValueSatisfying(reason -> assertThat(reason).contains("10.1.2.3", "10.0.0.0/8"));
  }

  @Test
  void an_address_in_a_denied_range_is_refused_naming_the_range() {
    var policy = NetworkPolicy.of(List.of(), List.of("10.0.0.0/8", "2001:db8::/32"), List.of());
    assertThat(policy.refusal(ip("10.20.30.40"), 5432))
        .contains(
            "The address 10.20.30.40 is in the denied range 10.0.0.0/8 set by the operator;"
                + " use another address or ask the operator.");
    assertThat(policy.refusal(ip("2001:db8:1::7"), 5432))
        .hasValueSatisfying(reason -> assertThat(reason).contains("2001:db8::/32"));
    assertThat(policy.refusal(ip("11.0.0.1"), 5432)).isEmpty();
    assertThat(policy.refusal(ip("2001:db9::1"), 5432)).isEmpty();
  }

  @Test
  void deny_wins_over_allow() {
    var policy = NetworkPolicy.of(List.of("10.0.0.0/8"), List.of("10.9.0.0/16"), List.of());
    assertThat(policy.refusal(ip("10.1.0.1"), 5432)).isEmpty();
    assertThat(policy.refusal(ip("10.9.0.1"), 5432))
        .hasValueSatisfying(reason -> assertThat(reason).contains("denied range 10.9.0.0/16"));
  }

  @Test
  void with_an_allow_list_addresses_outside_it_are_refused() {
    var policy = NetworkPolicy.of(List.of("10.0.0.0/8", "fd12::/16"), List.of(), List.of());
    assertThat(policy.refusal(ip("10.0.0.5"), 5432)).isEmpty();
    assertThat(policy.refusal(ip("fd12:3::4"), 5432)).isEmpty();
    assertThat(policy.refusal(ip("192.168.1.1"), 5432))
        .hasValueSatisfying(
            reason ->
                assertThat(reason).contains("192.168.1.1", "outside", "10.0.0.0/8, fd12::/16"));
  }

  @Test
  void an_explicit_allow_range_lifts_the_built_in_link_local_refusal() {
    var policy = NetworkPolicy.of(List.of("169.254.10.0/24"), List.of(), List.of());
    assertThat(policy.refusal(ip("169.254.10.20"), 5432)).isEmpty();
    assertThat(policy.refusal(ip("169.254.169.254"), 80)).isPresent();
  }

  @Test
  void the_protected_endpoint_is_refused_on_its_port_only() {
    var policy =
        NetworkPolicy.of(List.of(), List.of(), List.of(new InetSocketAddress("192.0.2.10", 5432)));
    assertThat(policy.refusal(ip("192.0.2.10"), 5432))
        .hasValueSatisfying(
            reason ->
                assertThat(reason).contains("192.0.2.10 port 5432", "Hourglass's own database"));
    assertThat(policy.refusal(ip("192.0.2.10"), 5433)).isEmpty();
    assertThat(policy.refusal(ip("192.0.2.11"), 5432)).isEmpty();
  }

  @Test
  void a_protected_loopback_endpoint_also_refuses_every_other_loopback_address() {
    var policy =
        NetworkPolicy.of(List.of(), List.of(), List.of(new InetSocketAddress("127.0.0.1", 5432)));
    assertThat(policy.refusal(ip("127.0.0.1"), 5432)).isPresent();
    assertThat(policy.refusal(ip("127.0.0.2"), 5432)).isPresent();
    assertThat(policy.refusal(ip("::1"), 5432)).isPresent();
    assertThat(policy.refusal(ip("localhost"), 5432)).isPresent();
    assertThat(policy.refusal(mapped("127.0.0.1"), 5432)).isPresent();
    assertThat(policy.refusal(ip("127.0.0.1"), 5433)).isEmpty();
  }

  @Test
  void
      a_protected_loopback_endpoint_refuses_this_machines_own_addresses_a_wildcard_server_answers_on()
          throws SocketException {
    var policy =
        NetworkPolicy.of(List.of(), List.of(), List.of(new InetSocketAddress("localhost", 5432)));
    Optional<InetAddress> ownAddress =
        Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
            .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
            .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
            .findFirst();
    ownAddress.ifPresent(
        address -> assertThat(policy.refusal(address, 5432)).as(address.toString()).isPresent());
    assertThat(policy.refusal(ip("203.0.113.9"), 5432)).isEmpty();
  }

  @Test
  void an_allow_range_does_not_lift_the_protection_of_hourglass_own_database() {
    var policy =
        NetworkPolicy.of(
            List.of("10.0.0.0/8"), List.of(), List.of(new InetSocketAddress("10.0.3.7", 5432)));
    assertThat(policy.refusal(ip("10.0.3.7"), 5432)).isPresent();
    assertThat(policy.refusal(ip("10.0.3.8"), 5432)).isEmpty();
  }

  @Test
  void cidr_ranges_of_both_families_are_read_including_single_addresses() {
    var policy =
        NetworkPolicy.of(
            List.of(
                "192.0.2.7", "10.0.0.0/8", "0.0.0.0/0", "2001:db8::/32", "::ffff:172.16.0.0/108"),
            List.of("fe80::1", "2001:0DB8:0000:0000:0000:0000:0000:0000/48"),
            List.of());
    assertThat(policy.encode())
        .isEqualTo(
            "allow=192.0.2.7/32,10.0.0.0/8,0.0.0.0/0,2001:db8::/32,172.16.0.0/12"
                + ";deny=fe80::1/128,2001:db8::/48;protect=");
  }

  @Test
  void an_invalid_cidr_is_refused_naming_it() {
    assertThatThrownBy(() -> NetworkPolicy.of(List.of("10.0.0.0/33"), List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'10.0.0.0/33'")
        .hasMessageContaining("0 to 32");
    assertThatThrownBy(() -> NetworkPolicy.of(List.of(), List.of("intranet.example/8"), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'intranet.example/8' is not a CIDR range");
    assertThatThrownBy(() -> NetworkPolicy.of(List.of("10.1.2.3/8"), List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("did you mean 10.0.0.0/8?");
    assertThatThrownBy(() -> NetworkPolicy.of(List.of("300.1.2.3/32"), List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'300.1.2.3/32'");
    assertThatThrownBy(() -> NetworkPolicy.of(List.of("fd00::/x"), List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'fd00::/x'");
  }

  @Test
  void encode_and_decode_round_trip() {
    var policy =
        NetworkPolicy.of(
            List.of("10.0.0.0/8", "fd12::/16"),
            List.of("10.9.0.0/16"),
            List.of(new InetSocketAddress("127.0.0.1", 5432), new InetSocketAddress("::1", 6543)));
    String encoded = policy.encode();
    assertThat(encoded)
        .isEqualTo("allow=10.0.0.0/8,fd12::/16;deny=10.9.0.0/16;protect=127.0.0.1:5432,[::1]:6543");
    var decoded = NetworkPolicy.decode(encoded);
    assertThat(decoded).isEqualTo(policy);
    assertThat(decoded.refusal(ip("127.0.0.3"), 5432)).isPresent();
    assertThat(decoded.refusal(ip("10.9.1.1"), 1)).isPresent();
    assertThat(NetworkPolicy.decode(OPEN.encode())).isEqualTo(OPEN);
    assertThat(OPEN.encode()).isEqualTo("allow=;deny=;protect=");
  }

  @Test
  void decoding_something_else_fails_clearly() {
    assertThatThrownBy(() -> NetworkPolicy.decode("allow=;deny="))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("allow, deny and protect are all needed");
    assertThatThrownBy(() -> NetworkPolicy.decode("allow=;deny=;protect=;extra=1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown part 'extra'");
    assertThatThrownBy(() -> NetworkPolicy.decode("allow=;deny=;protect=db.internal:5432"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no IP address");
  }

  @Test
  void an_unresolvable_protected_endpoint_is_refused_naming_it() {
    assertThatThrownBy(
            () ->
                NetworkPolicy.of(
                    List.of(),
                    List.of(),
                    List.of(InetSocketAddress.createUnresolved("no-such-host.invalid", 5432))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no-such-host.invalid:5432 does not resolve");
  }
}
