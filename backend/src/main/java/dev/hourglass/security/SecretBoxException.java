package dev.hourglass.security;

/** A sealed secret cannot be opened; the message never carries key material or plaintext. */
public final class SecretBoxException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SecretBoxException(String message) {
    super(message);
  }
}
