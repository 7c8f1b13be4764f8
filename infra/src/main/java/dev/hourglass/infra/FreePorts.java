package dev.hourglass.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Free TCP ports on 127.0.0.1. */
public final class FreePorts {

  // The kernel may hand out the same ephemeral port again right after it was released; callers
  // that pick several ports before starting anything must not get one port twice.
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  /** A TCP port that nothing listens on at the moment, never the same one twice in this JVM. */
  public static int pick() {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        int port = socket.getLocalPort();
        if (HANDED_OUT.add(port)) {
          return port;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Could not bind any port on 127.0.0.1", e);
      }
    }
    throw new IllegalStateException("No fresh free port on 127.0.0.1 after 50 attempts");
  }

  /**
   * Whether a server could listen on {@code port} at 127.0.0.1 now. Also false when something
   * listens on that port on all interfaces.
   */
  public static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      // Servers set SO_REUSEADDR too, so connections in TIME_WAIT do not make a port look taken.
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
