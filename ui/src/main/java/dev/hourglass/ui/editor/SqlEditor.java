package dev.hourglass.ui.editor;

import com.vaadin.flow.component.AbstractSinglePropertyField;
import com.vaadin.flow.component.Focusable;
import com.vaadin.flow.component.HasAriaLabel;
import com.vaadin.flow.component.HasSize;
import com.vaadin.flow.component.Tag;
import com.vaadin.flow.component.dependency.JavaScript;
import java.util.Objects;
import java.util.Optional;

/**
 * An SQL / PL/pgSQL editor: monospace, line numbers, highlighting, Tab indents, and an error mark
 * at a line and column with its message. The browser side is the self-written custom element in
 * {@code src/main/webapp/js/hourglass-sql-editor.js}, a static file of the WAR.
 *
 * <p>The script is a static file loaded at run time ({@code context://} URLs are neither bundled
 * nor looked for in the bundle), so the pre-built production bundle stays valid; see
 * docs/decisions/0011-20261126-sql-editor-without-a-frontend-build.md.
 *
 * <p>The value reaches the server when the edit is committed (the editor loses focus), like a
 * Vaadin text field in its default mode; a click on a button right after typing still sees it.
 */
@Tag("hourglass-sql-editor")
@JavaScript(SqlEditor.SCRIPT)
public class SqlEditor extends AbstractSinglePropertyField<SqlEditor, String>
    implements HasSize, Focusable<SqlEditor>, HasAriaLabel {

  private static final long serialVersionUID = 1L;

  /** The WAR's own static file; context:// resolves it against the app's context path. */
  static final String SCRIPT = "context://js/hourglass-sql-editor.js";

  private ErrorMark error;

  public SqlEditor() {
    super("value", "", false);
    setSynchronizedEvent("change");
  }

  public SqlEditor(String sql) {
    this();
    setValue(sql);
  }

  /**
   * Marks an error: highlights {@code line}, underlines {@code column}, scrolls them into view,
   * puts the caret there and shows "Line L, column C: message" under the text.
   *
   * @param line 1-based
   * @param column 1-based, in characters
   */
  public void showError(int line, int column, String message) {
    show(new ErrorMark(line, column, message));
  }

  /**
   * Marks an error at PostgreSQL's {@code position} (1-based, in characters, as in the error's
   * {@code Position} field) in the editor's current text.
   */
  public void showErrorAtPosition(int position, String message) {
    show(ErrorMark.at(getValue(), position, message));
  }

  public void clearError() {
    error = null;
    getElement().removeAttribute("error-line");
    getElement().removeAttribute("error-column");
    getElement().removeAttribute("error-message");
  }

  /** The error mark currently shown, if any. */
  public Optional<ErrorMark> getError() {
    return Optional.ofNullable(error);
  }

  private void show(ErrorMark mark) {
    error = mark;
    // Message and column first: the element reveals the error when the line changes.
    getElement().setAttribute("error-message", mark.message());
    getElement().setAttribute("error-column", String.valueOf(mark.column()));
    getElement().setAttribute("error-line", String.valueOf(mark.line()));
  }

  /**
   * Where an error is, 1-based, and what it is.
   *
   * @param line 1-based line
   * @param column 1-based column, counted in characters (code points) as PostgreSQL counts them
   */
  public record ErrorMark(int line, int column, String message) {

    public ErrorMark {
      if (line < 1 || column < 1) {
        throw new IllegalArgumentException(
            "An error mark needs a line and a column from 1 up, got line "
                + line
                + ", column "
                + column);
      }
      Objects.requireNonNull(message, "message");
    }

    /**
     * The line and column of PostgreSQL's 1-based character {@code position} in {@code text}; a
     * position past the end marks the end of the text.
     */
    public static ErrorMark at(String text, int position, String message) {
      if (position < 1) {
        throw new IllegalArgumentException("A PostgreSQL position starts at 1, got " + position);
      }
      int line = 1;
      int column = 1;
      int seen = 0;
      for (int i = 0; i < text.length() && seen < position - 1; ) {
        int cp = text.codePointAt(i);
        i += Character.charCount(cp);
        seen++;
        if (cp == '\n') {
          line++;
          column = 1;
        } else {
          column++;
        }
      }
      return new ErrorMark(line, column, message);
    }
  }
}
