package dev.hourglass.ui.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The {@code <hourglass-sql-editor>} custom element on its own, in headless Chromium: a plain page
 * from a temporary file loads the script exactly as shipped in the WAR. No server is involved; the
 * Java side ({@code SqlEditor}) only sets the properties and attributes exercised here.
 */
class SqlEditorScriptIT {

  static final Path SCRIPT = Path.of("src/main/webapp/js/hourglass-sql-editor.js").toAbsolutePath();

  static final String PROCEDURE =
      """
      CREATE OR REPLACE PROCEDURE archive_orders(days int) LANGUAGE plpgsql AS $body$
      DECLARE
        note text := $q$it's done$q$; -- a literal, not code
      BEGIN
        /* outer /* nested */ still a comment */
        DELETE FROM "Order Lines" WHERE age > 42 AND label <> 'it''s';
        RAISE NOTICE 'archived % rows', days;
      END
      $body$;""";

  /** Ranges over the rendered highlight layer, to compare positions with the textarea's. */
  static final String HELPERS =
      """
      const ed = document.getElementById('editor');
      const rangeAt = (offset, length) => {
        const walker = document.createTreeWalker(ed.shadowRoot.querySelector('code'), NodeFilter.SHOW_TEXT);
        const range = document.createRange();
        let node, seen = 0;
        while ((node = walker.nextNode())) {
          if (offset >= seen && offset < seen + node.length) range.setStart(node, offset - seen);
          if (offset + length <= seen + node.length) {
            range.setEnd(node, offset + length - seen);
            return range;
          }
          seen += node.length;
        }
        throw new Error('offset ' + offset + ' is not rendered');
      };
      const rangeOf = (s) => rangeAt(ed.shadowRoot.querySelector('code').textContent.indexOf(s), s.length);
      """;

  static Browser browser;
  static JavascriptExecutor js;
  static Path page;

  @BeforeAll
  static void openPage() throws Exception {
    assertThat(SCRIPT).exists();
    page = Files.createTempFile("sql-editor", ".html");
    // The value is set before the script defines the element, as Vaadin may do.
    Files.writeString(
        page,
        """
        <!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
        <hourglass-sql-editor id="editor" style="width: 640px; height: 300px"></hourglass-sql-editor>
        <input id="after">
        <script>
          window.events = [];
          const ed = document.getElementById('editor');
          ed.value = 'set before the upgrade';
          ed.addEventListener('value-changed', e => events.push('value-changed:' + e.detail.value));
          ed.addEventListener('change', e => events.push('change:' + ed.value));
        </script>
        <script src="%s"></script>
        </body></html>
        """
            .formatted(SCRIPT.toUri()));
    browser = new Browser();
    js = (JavascriptExecutor) browser.driver;
  }

  @AfterAll
  static void closeBrowser() throws Exception {
    if (browser != null) {
      browser.close();
    }
    Files.deleteIfExists(page);
  }

  @BeforeEach
  void loadPage() {
    browser.driver.get(page.toUri().toString());
    browser.waitFor(By.id("editor"));
  }

  @Test
  void a_value_set_before_the_script_loaded_survives_the_upgrade() {
    assertThat(run("return customElements.get('hourglass-sql-editor') !== undefined"))
        .isEqualTo(true);
    assertThat(run("return ed.value")).isEqualTo("set before the upgrade");
    assertThat(run("return ed.shadowRoot.querySelector('textarea').value"))
        .isEqualTo("set before the upgrade");
  }

  @Test
  void keywords_strings_comments_numbers_and_quoted_identifiers_are_highlighted() {
    setValue(PROCEDURE);

    @SuppressWarnings("unchecked")
    var spans =
        (Map<String, List<String>>)
            run(
                """
                const out = {};
                for (const s of ed.shadowRoot.querySelectorAll('code span[class]')) {
                  (out[s.className] = out[s.className] || []).push(s.textContent);
                }
                return out;""");
    assertThat(spans.get("kw"))
        .contains("CREATE", "OR", "REPLACE", "PROCEDURE", "LANGUAGE", "plpgsql", "AS")
        // the routine body is code: its keywords are highlighted too
        .contains("DECLARE", "BEGIN", "DELETE", "FROM", "WHERE", "RAISE", "NOTICE", "END")
        .doesNotContain("archive_orders", "note", "days", "age", "label");
    assertThat(spans.get("str"))
        .contains("$body$", "$q$it's done$q$", "'it''s'", "'archived % rows'");
    assertThat(spans.get("com"))
        .containsExactly("-- a literal, not code", "/* outer /* nested */ still a comment */");
    assertThat(spans.get("num")).containsExactly("42");
    assertThat(spans.get("id")).containsExactly("\"Order Lines\"");
    // The highlight layer shows exactly the text (plus the newline that keeps a last empty line).
    assertThat(run("return ed.shadowRoot.querySelector('code').textContent"))
        .isEqualTo(PROCEDURE + "\n");
  }

  @Test
  void a_dollar_quoted_literal_elsewhere_and_unfinished_tokens_stay_strings() {
    var sql = "SELECT $x$ a <b> & c $x$, 1..10, 'open <";
    setValue(sql);

    assertThat(run("return ed.shadowRoot.querySelector('code').textContent")).isEqualTo(sql + "\n");
    assertThat(run("return [...ed.shadowRoot.querySelectorAll('.str')].map(s => s.textContent)"))
        .isEqualTo(List.of("$x$ a <b> & c $x$", "'open <"));
    assertThat(run("return [...ed.shadowRoot.querySelectorAll('.num')].map(s => s.textContent)"))
        .isEqualTo(List.of("1", "10"));
  }

  @Test
  void typing_rehighlights_fires_value_changed_and_a_change_when_committed() {
    setValue("");
    run("events.length = 0");

    textarea().sendKeys("select 1");

    assertThat(run("return ed.value")).isEqualTo("select 1");
    assertThat(run("return [...ed.shadowRoot.querySelectorAll('.kw')].map(s => s.textContent)"))
        .isEqualTo(List.of("select"));
    @SuppressWarnings("unchecked")
    var events = (List<String>) run("return events");
    assertThat(events).hasSize("select 1".length()).endsWith("value-changed:select 1");

    browser.driver.findElement(By.id("after")).click();

    assertThat(run("return events[events.length - 1]")).isEqualTo("change:select 1");
    assertThat(run("return events.filter(e => e.startsWith('change')).length")).isEqualTo(1L);
  }

  @Test
  void tab_inserts_two_spaces_enter_keeps_the_indentation_and_shift_tab_outdents() {
    setValue("");
    var area = textarea();

    area.sendKeys("BEGIN", Keys.ENTER, Keys.TAB, "x := 1;", Keys.ENTER, "y := 2;");
    assertThat(run("return ed.value")).isEqualTo("BEGIN\n  x := 1;\n  y := 2;");
    assertThat(focusIsInTheTextarea()).isTrue();

    area.sendKeys(Keys.chord(Keys.SHIFT, Keys.TAB));
    assertThat(run("return ed.value")).isEqualTo("BEGIN\n  x := 1;\ny := 2;");

    // Keyboard users leave with Escape, then Tab.
    area.sendKeys(Keys.ESCAPE);
    area.sendKeys(Keys.TAB);
    assertThat(focusIsInTheTextarea()).isFalse();
    assertThat(run("return ed.value")).isEqualTo("BEGIN\n  x := 1;\ny := 2;");
  }

  @Test
  void undo_takes_back_an_inserted_indent() {
    setValue("");
    textarea().sendKeys("a", Keys.TAB);
    assertThat(run("return ed.value")).isEqualTo("a  ");

    textarea().sendKeys(Keys.chord(Keys.CONTROL, "z"));

    assertThat(run("return ed.value")).isEqualTo("a");
  }

  @Test
  void the_gutter_numbers_every_line() {
    setValue("SELECT 1;\nSELECT 2;\n\nSELECT 3;\n");
    assertThat(run("return ed.shadowRoot.querySelector('.line-no').textContent"))
        .isEqualTo("1\n2\n3\n4\n5");

    textarea().sendKeys(Keys.END, Keys.ENTER);

    assertThat(run("return ed.shadowRoot.querySelector('.line-no').textContent"))
        .isEqualTo("1\n2\n3\n4\n5\n6");
  }

  @Test
  void the_highlight_layer_stays_aligned_with_the_textarea_when_scrolled_to_the_far_corner() {
    var sql = "SELECT " + "x, ".repeat(120) + "1;\n" + "-- line\n".repeat(300) + "END;";
    setValue(sql);

    // Bottom: the last line sits where the textarea has it.
    @SuppressWarnings("unchecked")
    var bottom =
        (Map<String, Number>)
            run(
                """
                const ta = ed.shadowRoot.querySelector('textarea');
                ta.scrollTop = 1e6;
                ta.dispatchEvent(new Event('scroll'));
                const cs = getComputedStyle(ta), t = ta.getBoundingClientRect();
                const lineHeight = parseFloat(cs.lineHeight);
                const r = rangeOf('END;').getBoundingClientRect();
                return {
                  expected: t.top + ta.scrollHeight - parseFloat(cs.paddingBottom) - lineHeight / 2 - ta.scrollTop,
                  actual: (r.top + r.bottom) / 2,
                  renderedLines: ed.shadowRoot.querySelector('code').textContent.split('\\n').length,
                };""");
    assertThat(bottom.get("actual").doubleValue())
        .isCloseTo(bottom.get("expected").doubleValue(), within(2.0));
    // Only the lines in view and a margin are in the DOM.
    assertThat(bottom.get("renderedLines").intValue()).isBetween(10, 80);

    // Far right: the end of the longest line sits where the textarea has it.
    @SuppressWarnings("unchecked")
    var right =
        (Map<String, Number>)
            run(
                """
                const ta = ed.shadowRoot.querySelector('textarea');
                ta.scrollTop = 0;
                ta.scrollLeft = 1e6;
                ta.dispatchEvent(new Event('scroll'));
                const cs = getComputedStyle(ta), t = ta.getBoundingClientRect();
                const r = rangeOf('1;').getBoundingClientRect();
                return {
                  scrolled: ta.scrollLeft,
                  // Chromium's textarea scrollWidth ends where the longest line ends (no right padding).
                  expected: t.left + ta.scrollWidth - ta.scrollLeft,
                  actual: r.right,
                  gutterTop: ed.shadowRoot.querySelector('.gutter').scrollTop,
                };""");
    assertThat(right.get("scrolled").doubleValue()).isPositive();
    assertThat(right.get("actual").doubleValue())
        .isCloseTo(right.get("expected").doubleValue(), within(2.0));
    assertThat(right.get("gutterTop").intValue()).isZero();
  }

  @Test
  void an_error_line_is_highlighted_scrolled_into_view_and_explained() {
    var sql = new StringBuilder();
    for (int i = 1; i <= 200; i++) {
      sql.append(i == 150 ? "  SELEC 1;" : "  SELECT " + i + ";").append('\n');
    }
    setValue(sql.toString());
    // In the order SqlEditor.showError sets them.
    run(
        "ed.setAttribute('error-message', 'syntax error at or near \"SELEC\"');"
            + " ed.setAttribute('error-column', '3'); ed.setAttribute('error-line', '150');");

    assertThat(run("return ed.shadowRoot.querySelector('.msg').textContent"))
        .isEqualTo("Line 150, column 3: syntax error at or near \"SELEC\"");
    assertThat(run("return ed.shadowRoot.querySelector('.msg').hidden")).isEqualTo(false);

    @SuppressWarnings("unchecked")
    var m =
        (Map<String, Object>)
            run(
                """
                const root = ed.shadowRoot, ta = root.querySelector('textarea');
                const band = root.querySelector('pre .band'), mark = root.querySelector('pre .mark');
                // Where line 150, column 3 really is in the highlight layer.
                const start = ed.value.split('\\n').slice(0, 149).join('\\n').length + 1 + 2;
                const first = +getComputedStyle(root.querySelector('.layer')).getPropertyValue('--first');
                const renderedStart = ed.value.split('\\n').slice(first, 149).join('\\n').length + 1 + 2;
                const range = rangeAt(renderedStart, 1);
                const ch = range.getBoundingClientRect();
                const b = band.getBoundingClientRect(), k = mark.getBoundingClientRect();
                const view = root.querySelector('.code').getBoundingClientRect();
                return {
                  bandVisible: getComputedStyle(band).display !== 'none',
                  bandMiddle: (b.top + b.bottom) / 2, charMiddle: (ch.top + ch.bottom) / 2,
                  lineHeight: parseFloat(getComputedStyle(ta).lineHeight), bandHeight: b.height,
                  markLeft: k.left, charLeft: ch.left,
                  inView: b.top >= view.top && b.bottom <= view.bottom,
                  scrolled: ta.scrollTop,
                  caret: ta.selectionStart, expectedCaret: start,
                  char: range.toString(),
                };""");
    assertThat(m.get("bandVisible")).isEqualTo(true);
    assertThat(m.get("char")).isEqualTo("S");
    assertThat(((Number) m.get("scrolled")).doubleValue()).isPositive();
    assertThat(m.get("inView")).isEqualTo(true);
    assertThat(num(m, "bandMiddle")).isCloseTo(num(m, "charMiddle"), within(2.0));
    assertThat(num(m, "bandHeight")).isCloseTo(num(m, "lineHeight"), within(0.5));
    assertThat(num(m, "markLeft")).isCloseTo(num(m, "charLeft"), within(1.5));
    assertThat(m.get("caret")).isEqualTo(m.get("expectedCaret"));

    run(
        "ed.removeAttribute('error-line'); ed.removeAttribute('error-column');"
            + " ed.removeAttribute('error-message');");

    assertThat(run("return getComputedStyle(ed.shadowRoot.querySelector('pre .band')).display"))
        .isEqualTo("none");
    assertThat(run("return ed.shadowRoot.querySelector('.msg').hidden")).isEqualTo(true);
  }

  @Test
  void read_only_set_as_a_property_like_vaadin_does_blocks_typing() {
    setValue("SELECT 1");
    run("ed.readonly = true");

    assertThat(run("return ed.hasAttribute('readonly')")).isEqualTo(true);
    assertThat(run("return ed.shadowRoot.querySelector('textarea').readOnly")).isEqualTo(true);
    textarea().sendKeys("x", Keys.TAB);
    assertThat(run("return ed.value")).isEqualTo("SELECT 1");

    run("ed.readonly = false");
    assertThat(run("return ed.shadowRoot.querySelector('textarea').readOnly")).isEqualTo(false);
  }

  @Test
  void rehighlighting_a_2000_line_procedure_per_keystroke_stays_within_budget() {
    @SuppressWarnings("unchecked")
    var m =
        (Map<String, Number>)
            run(
                """
                const block = arguments[0].split('\\n');
                const lines = [];
                while (lines.length < 2000) lines.push(...block);
                const text = lines.slice(0, 2000).join('\\n');
                ed.value = text;
                const ta = ed.shadowRoot.querySelector('textarea');
                const plain = document.createElement('textarea');   // the same edit without the editor
                plain.style.cssText = 'width: 600px; height: 300px; white-space: pre';
                document.body.appendChild(plain);
                plain.value = text;
                const highlight = customElements.get('hourglass-sql-editor').highlight;
                const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
                // A key typed in the middle of the text: the browser's edit, the editor's input
                // handler, and the style and layout the next frame needs.
                const type = (area) => {
                  area.focus();
                  area.setSelectionRange(text.length >> 1, text.length >> 1);
                  const t = performance.now();
                  document.execCommand('insertText', false, 'x');
                  void area.scrollTop;
                  void ed.shadowRoot.querySelector('code').getBoundingClientRect();
                  return performance.now() - t;
                };
                const tokenize = [], keystroke = [], baseline = [];
                for (let i = 0; i < 40; i++) {
                  let t = performance.now();
                  highlight(ta.value);
                  tokenize.push(performance.now() - t);
                  keystroke.push(type(ta));
                  baseline.push(type(plain));
                }
                plain.remove();
                return { chars: text.length, lines: ed.value.split('\\n').length,
                  tokenize: median(tokenize), keystroke: median(keystroke), baseline: median(baseline) };""",
                PROCEDURE);
    System.out.printf(
        "SqlEditorScriptIT: %d lines (%d chars), medians of 40: tokenize %.2f ms; keystroke in the"
            + " editor %.2f ms (edit + highlight + layout) vs %.2f ms in a plain textarea%n",
        m.get("lines").intValue(),
        m.get("chars").intValue(),
        m.get("tokenize").doubleValue(),
        m.get("keystroke").doubleValue(),
        m.get("baseline").doubleValue());
    assertThat(m.get("lines").intValue()).isEqualTo(2000);
    // The budget is 10 ms for the editor's own work on an idle machine; the limit leaves room for
    // a busy CI host (2 cores shared with other builds).
    assertThat(m.get("keystroke").doubleValue() - m.get("baseline").doubleValue()).isLessThan(25.0);
  }

  private WebElement textarea() {
    var area =
        browser
            .driver
            .findElement(By.id("editor"))
            .getShadowRoot()
            .findElement(By.cssSelector("textarea"));
    area.click();
    return area;
  }

  private boolean focusIsInTheTextarea() {
    return (Boolean)
        run(
            "return document.activeElement === ed"
                + " && ed.shadowRoot.activeElement === ed.shadowRoot.querySelector('textarea')");
  }

  private void setValue(String sql) {
    run("ed.value = arguments[0]", sql);
  }

  private static double num(Map<String, Object> m, String key) {
    return ((Number) m.get(key)).doubleValue();
  }

  private static Object run(String script, Object... args) {
    return js.executeScript(HELPERS + script, args);
  }
}
