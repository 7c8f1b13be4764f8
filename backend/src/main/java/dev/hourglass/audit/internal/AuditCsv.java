package dev.hourglass.audit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;

/**
 * CSV as RFC 4180 has it (every cell quoted, quotes doubled, CRLF between records), with cells that
 * a spreadsheet would run as a formula made inert by a leading apostrophe: those starting with
 * {@code = + - @}, a tab or a carriage return (OWASP's advice on CSV injection).
 */
final class AuditCsv {

  private final Writer out;

  AuditCsv(Writer out) {
    this.out = out;
  }

  void row(List<String> cells) {
    try {
      for (int i = 0; i < cells.size(); i++) {
        if (i > 0) {
          out.write(',');
        }
        out.write(cell(cells.get(i)));
      }
      out.write("\r\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String cell(String value) {
    var v = value == null ? "" : value;
    if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
      v = "'" + v;
    }
    return '"' + v.replace("\"", "\"\"") + '"';
  }
}
