package dev.hourglass.database;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator's rules for which addresses tenants' target databases may have. Without them a
 * tenant could point Hourglass at its own control-plane database or at a cloud metadata service and
 * read the answers through connection-test messages.
 *
 * <p>Rules, in order, for an address and port:
 *
 * <ol>
 *   <li>An address in a <b>deny</b> range is refused.
 *   <li>A <b>protected endpoint</b> (Hourglass's own control-plane database host and port) is
 *       refused. Addresses are compared after resolution, and all addresses of this machine count
 *       as one: when the protected host is 127.0.0.1:5432, localhost:5432, [::1]:5432, 0.0.0.0:5432
 *       and this machine's own network addresses on port 5432 are refused too, because a server
 *       bound to the wildcard address answers on all of them. An allow range does not lift this.
 *   <li>Unless the address is inside an explicit <b>allow</b> range, these are refused: link-local
 *       addresses 169.254.0.0/16 and fe80::/10 (cloud metadata at 169.254.169.254 lives there), the
 *       AWS IPv6 metadata address fd00:ec2::254, and the unspecified addresses 0.0.0.0 and ::
 *       (which reach this machine).
 *   <li>When the allow list is not empty, an address outside all allow ranges is refused.
 * </ol>
 *
 * <p>IPv4 and IPv6 ranges are supported; IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are treated as
 * the IPv4 address they carry. Host names in protected endpoints are resolved when the policy is
 * made; addresses to check are passed already resolved.
 */
public final class NetworkPolicy {

  private static final IpRange LINK_LOCAL_V4 = IpRange.parse("169.254.0.0/16");
  private static final IpRange LINK_LOCAL_V6 = IpRange.parse("fe80::/10");
  private static final IpRange AWS_METADATA_V6 = IpRange.parse("fd00:ec2::254/128");

  private final List<IpRange> allow;
  private final List<IpRange> deny;
  private final List<Endpoint> protectedEndpoints;

  private NetworkPolicy(
      List<IpRange> allow, List<IpRange> deny, List<Endpoint> protectedEndpoints) {
    this.allow = List.copyOf(allow);
    this.deny = List.copyOf(deny);
    this.protectedEndpoints = List.copyOf(protectedEndpoints);
  }

  /**
   * @param allowCidrs ranges tenants may reach; empty allows every address not refused otherwise
   * @param denyCidrs ranges tenants may never reach
   * @param protectedEndpoints host and port of Hourglass's own databases; unresolved host names are
   *     resolved now, to all their addresses
   * @throws IllegalArgumentException naming an invalid CIDR range or an unresolvable endpoint
   */
  public static NetworkPolicy of(
      List<String> allowCidrs, List<String> denyCidrs, List<InetSocketAddress> protectedEndpoints) {
    var endpoints = new ArrayList<Endpoint>();
    for (InetSocketAddress endpoint : protectedEndpoints) {
      for (InetAddress address : addressesOf(endpoint)) {
        endpoints.add(new Endpoint(IpRange.normalise(address), endpoint.getPort()));
      }
    }
    return new NetworkPolicy(
        allowCidrs.stream().map(IpRange::parse).toList(),
        denyCidrs.stream().map(IpRange::parse).toList(),
        endpoints.stream().distinct().toList());
  }

  /** Empty when tenants may connect to {@code address} on {@code port}; else the reason. */
  public Optional<String> refusal(InetAddress address, int port) {
    InetAddress a = IpRange.normalise(Objects.requireNonNull(address, "address"));
    String shown = IpRange.format(a);
    for (IpRange range : deny) {
      if (range.contains(a)) {
        return Optional.of(
            "The address "
                + shown
                + " is in the denied range "
                + range
                + " set by the operator; use another address or ask the operator.");
      }
    }
    for (Endpoint endpoint : protectedEndpoints) {
      if (endpoint.port() == port && sameServer(endpoint.address(), a)) {
        return Optional.of(
            "The address "
                + shown
                + " port "
                + port
                + " is Hourglass's own database, which cannot be registered as a target;"
                + " enter the address of your database server.");
      }
    }
    boolean explicitlyAllowed = allow.stream().anyMatch(range -> range.contains(a));
    if (explicitlyAllowed) {
      return Optional.empty();
    }
    if (LINK_LOCAL_V4.contains(a) || LINK_LOCAL_V6.contains(a)) {
      return Optional.of(
          "The address "
              + shown
              + " is link-local, where cloud metadata services answer; tenants' databases cannot"
              + " be reached there unless the operator allows that range.");
    }
    if (AWS_METADATA_V6.contains(a)) {
      return Optional.of(
          "The address "
              + shown
              + " is the cloud metadata service, not a database; enter the address of your"
              + " database server.");
    }
    if (a.isAnyLocalAddress()) {
      return Optional.of(
          "The address "
              + shown
              + " is the unspecified address, which reaches the Hourglass server itself; enter the"
              + " address of your database server.");
    }
    if (!allow.isEmpty()) {
      return Optional.of(
          "The address "
              + shown
              + " is outside the ranges the operator allows ("
              + allow.stream().map(IpRange::toString).collect(Collectors.joining(", "))
              + "); use an address in them or ask the operator.");
    }
    return Optional.empty();
  }

  /**
   * A compact, stable text form, e.g. {@code allow=10.0.0.0/8;deny=;protect=127.0.0.1:5432}; it
   * travels to the socket factory as pgjdbc's {@code socketFactoryArg}.
   */
  public String encode() {
    return "allow="
        + allow.stream().map(IpRange::toString).collect(Collectors.joining(","))
        + ";deny="
        + deny.stream().map(IpRange::toString).collect(Collectors.joining(","))
        + ";protect="
        + protectedEndpoints.stream().map(Endpoint::toString).collect(Collectors.joining(","));
  }

  /**
   * Reads what {@link #encode()} wrote.
   *
   * @throws IllegalArgumentException when the text is not in that form
   */
  public static NetworkPolicy decode(String encoded) {
    List<IpRange> allow = null;
    List<IpRange> deny = null;
    List<Endpoint> protect = null;
    for (String part : Objects.requireNonNull(encoded, "encoded").split(";", -1)) {
      int equals = part.indexOf('=');
      String key = equals < 0 ? part : part.substring(0, equals);
      List<String> values =
          equals < 0 || part.length() == equals + 1
              ? List.of()
              : List.of(part.substring(equals + 1).split(","));
      switch (key) {
        case "allow" -> allow = values.stream().map(IpRange::parse).toList();
        case "deny" -> deny = values.stream().map(IpRange::parse).toList();
        case "protect" -> protect = values.stream().map(Endpoint::parse).toList();
        default ->
            throw new IllegalArgumentException(
                "Not an encoded network policy: unknown part '" + key + "'");
      }
    }
    if (allow == null || deny == null || protect == null) {
      throw new IllegalArgumentException(
          "Not an encoded network policy: allow, deny and protect are all needed");
    }
    return new NetworkPolicy(allow, deny, protect);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof NetworkPolicy policy && encode().equals(policy.encode());
  }

  @Override
  public int hashCode() {
    return encode().hashCode();
  }

  @Override
  public String toString() {
    return "NetworkPolicy[" + encode() + "]";
  }

  private static Set<InetAddress> addressesOf(InetSocketAddress endpoint) {
    var addresses = new LinkedHashSet<InetAddress>();
    if (!endpoint.isUnresolved()) {
      addresses.add(endpoint.getAddress());
    }
    String host = endpoint.getHostString();
    var literal = IpRange.literal(host);
    if (literal.isPresent()) {
      addresses.add(literal.get());
    } else {
      try {
        addresses.addAll(List.of(InetAddress.getAllByName(host)));
      } catch (UnknownHostException e) {
        if (addresses.isEmpty()) {
          throw new IllegalArgumentException(
              "The protected endpoint " + host + ":" + endpoint.getPort() + " does not resolve");
        }
      }
    }
    return addresses;
  }

  /**
   * Whether a connection to {@code target} may reach a server listening at {@code protectedHost}.
   * All addresses of this machine are one: a server bound to the wildcard address answers on each.
   */
  private static boolean sameServer(InetAddress protectedHost, InetAddress target) {
    return protectedHost.equals(target) || (isThisMachine(protectedHost) && isThisMachine(target));
  }

  private static boolean isThisMachine(InetAddress address) {
    if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
      return true;
    }
    try {
      return NetworkInterface.getByInetAddress(address) != null;
    } catch (SocketException e) {
      return false;
    }
  }

  private record Endpoint(InetAddress address, int port) {

    static Endpoint parse(String text) {
      int colon = text.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException(
            "Not an encoded network policy: '" + text + "' is not address:port");
      }
      InetAddress address =
          IpRange.literal(text.substring(0, colon))
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "Not an encoded network policy: '" + text + "' has no IP address"));
      try {
        return new Endpoint(address, Integer.parseInt(text.substring(colon + 1)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "Not an encoded network policy: '" + text + "' has no port number");
      }
    }

    @Override
    public String toString() {
      String shown = IpRange.format(address);
      return (address instanceof Inet6Address ? "[" + shown + "]" : shown) + ":" + port;
    }
  }
}
