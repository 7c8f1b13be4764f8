package dev.hourglass.common;

/** Input refused at the boundary; {@link #field()} names what to correct. */
public class InvalidInputException extends UserFacingException {
  private static final long serialVersionUID = 1L;
  private final String field;

  public InvalidInputException(String field, String message) {
    super(message);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
