package dev.hourglass.audit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditCsvTest {

  @Test
  void cells_are_quoted_with_inner_quotes_doubled_and_records_end_in_crlf() {
    var out = new StringWriter();
    var csv = new AuditCsv(out);
    csv.row(List.of("plain", "with \"quotes\", commas", "two\nlines"));
    csv.row(Arrays.asList("", null));
    assertThat(out.toString())
        .isEqualTo(
            "\"plain\",\"with \"\"quotes\"\", commas\",\"two\nlines\"\r\n" + "\"\",\"\"\r\n");
  }

  @Test
  void cells_a_spreadsheet_would_run_as_formulas_start_with_an_apostrophe() {
    for (var risky : List.of("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx")) {
      assertThat(AuditCsv.cell(risky)).as(risky).isEqualTo("\"'" + risky + "\"");
    }
    assertThat(AuditCsv.cell("a=1")).isEqualTo("\"a=1\"");
    assertThat(AuditCsv.cell("=HYPERLINK(\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
  }
}
