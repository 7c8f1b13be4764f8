package dev.hourglass.action;

import dev.hourglass.common.UserFacingException;

/**
 * PostgreSQL refused SQL a person wrote or an action ran; carries what PostgreSQL said, with the
 * position in the person's text when PostgreSQL gave one.
 *
 * @see #line() 1-based line of the error in the submitted text, 0 when unknown
 */
public class SqlProblem extends UserFacingException {
  private static final long serialVersionUID = 1L;

  private final String sqlState;
  private final String detail;
  private final String hint;
  private final int line;
  private final int column;

  public SqlProblem(
      String message, String sqlState, String detail, String hint, int line, int column) {
    super(message);
    this.sqlState = sqlState == null ? "" : sqlState;
    this.detail = detail == null ? "" : detail;
    this.hint = hint == null ? "" : hint;
    this.line = line;
    this.column = column;
  }

  public String sqlState() {
    return sqlState;
  }

  public String detail() {
    return detail;
  }

  public String hint() {
    return hint;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }
}
