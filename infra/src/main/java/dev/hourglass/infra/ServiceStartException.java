package dev.hourglass.infra;

/**
 * A service did not come up: its process exited, its deployment failed or it was not ready in time.
 * The message names the log file and quotes its last lines, which is usually all one needs.
 */
public class ServiceStartException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ServiceStartException(String message) {
    super(message);
  }

  public ServiceStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
