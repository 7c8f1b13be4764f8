package dev.hourglass.database.internal;

import dev.hourglass.database.NetworkPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import javax.net.SocketFactory;

/**
 * The socket factory pgjdbc uses for target databases ({@code socketFactory} property). Each socket
 * checks the {@link NetworkPolicy} against the address it actually connects to, after resolution: a
 * host name that passed the check at registration may point elsewhere today.
 */
public final class GuardedSocketFactory extends SocketFactory {

  private final NetworkPolicy policy;

  /**
   * Called by pgjdbc with the {@code socketFactoryArg} property.
   *
   * @param encodedPolicy {@link NetworkPolicy#encode()}
   */
  public GuardedSocketFactory(String encodedPolicy) {
    this(NetworkPolicy.decode(encodedPolicy));
  }

  public GuardedSocketFactory(NetworkPolicy policy) {
    this.policy = policy;
  }

  @Override
  public Socket createSocket() {
    return new GuardedSocket(policy);
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return connected(createSocket(), new InetSocketAddress(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    Socket socket = createSocket();
    socket.bind(new InetSocketAddress(localHost, localPort));
    return connected(socket, new InetSocketAddress(host, port));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return connected(createSocket(), new InetSocketAddress(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    Socket socket = createSocket();
    socket.bind(new InetSocketAddress(localAddress, localPort));
    return connected(socket, new InetSocketAddress(address, port));
  }

  private static Socket connected(Socket socket, SocketAddress endpoint) throws IOException {
    try {
      socket.connect(endpoint);
      return socket;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  private static final class GuardedSocket extends Socket {
    private final NetworkPolicy policy;

    GuardedSocket(NetworkPolicy policy) {
      this.policy = policy;
    }

    // Socket.connect(SocketAddress) delegates here, so every connect passes the check.
    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
      if (!(endpoint instanceof InetSocketAddress target)) {
        throw new BlockedConnectionException(
            "Only TCP connections to database servers are allowed.");
      }
      if (target.isUnresolved()) {
        throw new UnknownHostException(target.getHostString());
      }
      var refusal = policy.refusal(target.getAddress(), target.getPort());
      if (refusal.isPresent()) {
        close();
        throw new BlockedConnectionException(refusal.get());
      }
      super.connect(target, timeout);
    }
  }
}
