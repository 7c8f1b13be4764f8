package dev.hourglass.database;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/** An IPv4 or IPv6 CIDR range; IPv4-mapped IPv6 ranges and addresses are kept as IPv4. */
public final class IpRange {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private final byte[] network;
  private final int prefix;

  private IpRange(byte[] network, int prefix) {
    this.network = network;
    this.prefix = prefix;
  }

  /**
   * Reads {@code 10.0.0.0/8}, {@code fe80::/10}, or a single address ({@code 192.0.2.7}).
   *
   * @throws IllegalArgumentException naming the text and what is wrong with it
   */
  public static IpRange parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("An empty CIDR range was given");
    }
    String cidr = text.strip();
    int slash = cidr.indexOf('/');
    String addressPart = slash < 0 ? cidr : cidr.substring(0, slash);
    InetAddress literal =
        literal(addressPart)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "'"
                            + cidr
                            + "' is not a CIDR range: expected e.g. 10.0.0.0/8 or fd00::/8"));
    boolean writtenAsIpv6 = addressPart.contains(":");
    int width = writtenAsIpv6 ? 128 : 32;
    int bits;
    try {
      bits = slash < 0 ? width : Integer.parseInt(cidr.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "'" + cidr + "' is not a CIDR range: the prefix length after '/' must be a number");
    }
    if (bits < 0 || bits > width) {
      throw new IllegalArgumentException(
          "'" + cidr + "' is not a CIDR range: the prefix length must be 0 to " + width);
    }
    byte[] bytes = literal.getAddress();
    if (writtenAsIpv6 && bytes.length == 4) {
      // Java reads ::ffff:a.b.c.d as IPv4; the range's prefix shrinks by the 96 mapping bits.
      if (bits < 96) {
        throw new IllegalArgumentException(
            "'"
                + cidr
                + "' is not a CIDR range: an IPv4-mapped range needs a prefix of 96 or more");
      }
      bits -= 96;
    }
    byte[] masked = mask(bytes, bits);
    if (!Arrays.equals(masked, bytes)) {
      throw new IllegalArgumentException(
          "'"
              + cidr
              + "' is not a CIDR range: it has bits set after the prefix; did you mean "
              + format(masked)
              + "/"
              + bits
              + "?");
    }
    return new IpRange(masked, bits);
  }

  public boolean contains(InetAddress address) {
    byte[] bytes = normalise(address).getAddress();
    return bytes.length == network.length && Arrays.equals(mask(bytes, prefix), network);
  }

  @Override
  public String toString() {
    return format(network) + "/" + prefix;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof IpRange range
        && prefix == range.prefix
        && Arrays.equals(network, range.network);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(network) + prefix;
  }

  /** An IP literal, read without asking DNS; empty for anything that is not one. */
  static Optional<InetAddress> literal(String text) {
    String candidate = text.strip();
    if (candidate.startsWith("[") && candidate.endsWith("]")) {
      candidate = candidate.substring(1, candidate.length() - 1);
    }
    boolean v4 = IPV4.matcher(candidate).matches();
    if (!v4 && !IPV6.matcher(candidate).matches()) {
      return Optional.empty();
    }
    try {
      // Only literals reach this point, so getByName parses and never resolves.
      return Optional.of(normalise(InetAddress.getByName(candidate)));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /** IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) become the IPv4 addresses they stand for. */
  static InetAddress normalise(InetAddress address) {
    if (address instanceof Inet6Address) {
      byte[] b = address.getAddress();
      boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
      for (int i = 0; i < 10 && mapped; i++) {
        mapped = b[i] == 0;
      }
      if (mapped) {
        try {
          return Inet4Address.getByAddress(Arrays.copyOfRange(b, 12, 16));
        } catch (UnknownHostException e) {
          throw new IllegalStateException("4 bytes are always an IPv4 address", e);
        }
      }
    }
    return address;
  }

  /** The address as people write it: dotted IPv4, or IPv6 with the longest zero run as "::". */
  static String format(InetAddress address) {
    return format(normalise(address).getAddress());
  }

  private static String format(byte[] bytes) {
    if (bytes.length == 4) {
      return (bytes[0] & 0xff)
          + "."
          + (bytes[1] & 0xff)
          + "."
          + (bytes[2] & 0xff)
          + "."
          + (bytes[3] & 0xff);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    var text = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        text.append("::");
        i += bestLength - 1;
        continue;
      }
      if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
        text.append(':');
      }
      text.append(Integer.toHexString(groups[i]));
    }
    return text.toString();
  }

  private static byte[] mask(byte[] bytes, int bits) {
    byte[] masked = bytes.clone();
    for (int i = 0; i < masked.length; i++) {
      int keep = Math.max(0, Math.min(8, bits - 8 * i));
      masked[i] &= (byte) (0xff00 >> keep);
    }
    return masked;
  }
}
