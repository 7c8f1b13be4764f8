package dev.hourglass.database.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The SSL socket factory pgjdbc uses ({@code sslfactory} property) for {@code verify-ca} and {@code
 * verify-full}: it trusts exactly the CA certificates in the PEM text passed as {@code
 * sslfactoryarg}, so users paste a certificate instead of naming a file on our server.
 *
 * <p>pgjdbc's own {@code SingleCertValidatingFactory} does the same for one certificate only;
 * providers ship bundles (Amazon RDS's has dozens), so this one reads them all. pgjdbc checks the
 * host name itself after the handshake in {@code verify-full}, whatever the factory. No client
 * certificate is presented.
 */
public final class PemTrustSslSocketFactory extends SSLSocketFactory {

  private final SSLSocketFactory delegate;

  /** Called by pgjdbc with the {@code sslfactoryarg} property: PEM text of CA certificates. */
  public PemTrustSslSocketFactory(String pemCertificates) throws GeneralSecurityException {
    if (pemCertificates == null || pemCertificates.isBlank()) {
      throw new GeneralSecurityException("No CA certificate was given");
    }
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      trusted.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException("Could not create an empty key store", e);
    }
    int index = 0;
    for (Certificate certificate :
        CertificateFactory.getInstance("X.509")
            .generateCertificates(
                new ByteArrayInputStream(pemCertificates.getBytes(StandardCharsets.UTF_8)))) {
      trusted.setCertificateEntry("ca-" + index++, certificate);
    }
    if (index == 0) {
      throw new GeneralSecurityException("The CA certificate text holds no certificate");
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    this.delegate = context.getSocketFactory();
  }

  @Override
  public String[] getDefaultCipherSuites() {
    return delegate.getDefaultCipherSuites();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return delegate.getSupportedCipherSuites();
  }

  @Override
  public Socket createSocket(Socket socket, String host, int port, boolean autoClose)
      throws IOException {
    return delegate.createSocket(socket, host, port, autoClose);
  }

  // The remaining factory methods open their own TCP connection, which would bypass the guarded
  // socket; pgjdbc only ever layers SSL over its socket with the method above.
  @Override
  public Socket createSocket(String host, int port) throws IOException {
    throw unguarded();
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    throw unguarded();
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    throw unguarded();
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    throw unguarded();
  }

  private static SocketException unguarded() {
    return new SocketException("SSL is only layered over a socket that is already connected");
  }
}
