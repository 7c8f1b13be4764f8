package dev.hourglass.ui.security;

import dev.hourglass.database.IpRange;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The address a person's browser connects from, for the audit. Behind a reverse proxy the socket
 * address is the proxy's; when it is one of the trusted proxies ({@code hourglass.proxy.trusted},
 * env {@code HOURGLASS_PROXY_TRUSTED}: CIDR ranges), the client is the last address in
 * X-Forwarded-For that is not itself a trusted proxy. Anything earlier in that header was written
 * by the client and could be forged, so it is never taken while an untrusted hop follows it.
 */
public final class ClientAddress {
  private static final Logger LOG = Logger.getLogger(ClientAddress.class.getName());
  static final String SETTING = "hourglass.proxy.trusted";
  private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
  private static volatile List<IpRange> trusted;

  private ClientAddress() {}

  /** The client's address for a request from {@code remote} with these X-Forwarded-For values. */
  public static String of(String remote, Enumeration<String> forwardedFor) {
    return of(
        remote,
        forwardedFor == null ? List.of() : Collections.list(forwardedFor),
        trustedProxies());
  }

  static String of(String remote, List<String> forwardedFor, List<IpRange> trusted) {
    if (trusted.isEmpty() || !isIn(remote, trusted)) {
      return remote;
    }
    var hops = new ArrayList<String>();
    for (var header : forwardedFor) {
      for (var hop : header.split(",")) {
        if (!hop.isBlank()) {
          hops.add(hop.strip());
        }
      }
    }
    for (int i = hops.size() - 1; i >= 0; i--) {
      var hop = hops.get(i);
      if (!LITERAL.matcher(hop).matches()) {
        // Not an address (a proxy wrote "unknown" or a name): the chain cannot be followed.
        return remote;
      }
      if (!isIn(hop, trusted)) {
        return hop;
      }
    }
    return hops.isEmpty() ? remote : hops.get(0);
  }

  static List<IpRange> parse(String setting) {
    var ranges = new ArrayList<IpRange>();
    for (var part : setting.split(",")) {
      if (!part.isBlank()) {
        ranges.add(IpRange.parse(part.strip()));
      }
    }
    return List.copyOf(ranges);
  }

  private static List<IpRange> trustedProxies() {
    var known = trusted;
    if (known == null) {
      try {
        known =
            parse(ConfigProvider.getConfig().getOptionalValue(SETTING, String.class).orElse(""));
      } catch (IllegalArgumentException e) {
        LOG.log(
            Level.SEVERE,
            "HOURGLASS_PROXY_TRUSTED is not a list of CIDR ranges; no proxy is trusted: {0}",
            e.getMessage());
        known = List.of();
      }
      trusted = known;
    }
    return known;
  }

  private static boolean isIn(String address, List<IpRange> ranges) {
    if (address == null || !LITERAL.matcher(address).matches()) {
      return false;
    }
    try {
      // A literal (checked above), so no name lookup happens here.
      var parsed = InetAddress.getByName(address);
      return ranges.stream().anyMatch(r -> r.contains(parsed));
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
