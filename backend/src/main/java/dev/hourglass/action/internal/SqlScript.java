package dev.hourglass.action.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a script into statements at top-level semicolons, skipping quoted text, dollar-quoted
 * bodies and comments, and keeps where each starts, so PostgreSQL's error position (relative to the
 * statement it failed in) can be shown as a line and column of the whole script.
 */
final class SqlScript {

  record Statement(int offset, String text) {}

  private SqlScript() {}

  static List<Statement> split(String sql) {
    var result = new ArrayList<Statement>();
    int start = 0;
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char ch = sql.charAt(i);
      if (ch == '\'' || ch == '"') {
        i = skipQuoted(sql, i, ch);
      } else if (ch == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int eol = sql.indexOf('\n', i);
        i = eol < 0 ? n : eol + 1;
      } else if (ch == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        i = skipBlockComment(sql, i);
      } else if (ch == '$') {
        i = skipDollarQuoted(sql, i);
      } else if (ch == ';') {
        add(result, sql, start, i);
        start = i + 1;
        i++;
      } else {
        i++;
      }
    }
    add(result, sql, start, n);
    return result;
  }

  private static void add(List<Statement> into, String sql, int from, int to) {
    var text = sql.substring(from, to);
    if (!text.isBlank() && !onlyComments(text)) {
      into.add(new Statement(from, text));
    }
  }

  /** True when {@code text} holds nothing but white space and comments. */
  private static boolean onlyComments(String text) {
    int i = 0;
    int n = text.length();
    while (i < n) {
      char ch = text.charAt(i);
      if (Character.isWhitespace(ch)) {
        i++;
      } else if (ch == '-' && i + 1 < n && text.charAt(i + 1) == '-') {
        int eol = text.indexOf('\n', i);
        i = eol < 0 ? n : eol + 1;
      } else if (ch == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
        i = skipBlockComment(text, i);
      } else {
        return false;
      }
    }
    return true;
  }

  private static int skipQuoted(String sql, int i, char quote) {
    int j = i + 1;
    while (j < sql.length()) {
      if (sql.charAt(j) == quote) {
        if (j + 1 < sql.length() && sql.charAt(j + 1) == quote) {
          j += 2;
          continue;
        }
        return j + 1;
      }
      j++;
    }
    return sql.length();
  }

  private static int skipBlockComment(String sql, int i) {
    int depth = 0;
    int j = i;
    while (j < sql.length() - 1) {
      if (sql.charAt(j) == '/' && sql.charAt(j + 1) == '*') {
        depth++;
        j += 2;
      } else if (sql.charAt(j) == '*' && sql.charAt(j + 1) == '/') {
        depth--;
        j += 2;
        if (depth == 0) {
          return j;
        }
      } else {
        j++;
      }
    }
    return sql.length();
  }

  /** {@code $tag$ ... $tag$}; a lone {@code $} (e.g. a parameter like $1) is skipped by itself. */
  private static int skipDollarQuoted(String sql, int i) {
    int j = i + 1;
    while (j < sql.length()
        && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')
        && !(j == i + 1 && Character.isDigit(sql.charAt(j)))) {
      j++;
    }
    if (j >= sql.length() || sql.charAt(j) != '$') {
      return i + 1;
    }
    var tag = sql.substring(i, j + 1);
    int end = sql.indexOf(tag, j + 1);
    return end < 0 ? sql.length() : end + tag.length();
  }
}
