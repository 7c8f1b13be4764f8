package dev.hourglass.ui.editor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vaadin.flow.component.Tag;
import com.vaadin.flow.component.dependency.JavaScript;
import com.vaadin.flow.internal.nodefeature.ElementListenerMap;
import com.vaadin.flow.internal.nodefeature.ElementPropertyMap;
import com.vaadin.flow.internal.nodefeature.PropertyChangeDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The server side of the editor, without a server: what it puts on its element. */
class SqlEditorTest {

  @Test
  void the_value_is_the_elements_value_property_and_starts_empty() {
    var editor = new SqlEditor();
    assertThat(editor.getValue()).isEmpty();
    assertThat(editor.isEmpty()).isTrue();

    editor.setValue("CREATE PROCEDURE p() LANGUAGE sql AS $$ SELECT 1 $$;");

    assertThat(editor.getElement().getProperty("value"))
        .isEqualTo("CREATE PROCEDURE p() LANGUAGE sql AS $$ SELECT 1 $$;");
    assertThat(new SqlEditor("SELECT 1").getValue()).isEqualTo("SELECT 1");
  }

  @Test
  void a_programmatic_change_tells_listeners_it_did_not_come_from_the_browser() {
    var editor = new SqlEditor();
    var seen = new ArrayList<String>();
    editor.addValueChangeListener(
        e -> seen.add(e.getOldValue() + " -> " + e.getValue() + " fromClient=" + e.isFromClient()));

    editor.setValue("SELECT 1");

    assertThat(seen).containsExactly(" -> SELECT 1 fromClient=false");
  }

  @Test
  void the_value_is_synchronised_on_the_elements_change_event() {
    var editor = new SqlEditor();
    var listeners = editor.getElement().getNode().getFeature(ElementListenerMap.class);
    assertThat(listeners.getExpressions("change")).anyMatch(e -> e.contains("value"));
    var seen = new ArrayList<Boolean>();
    editor.addValueChangeListener(e -> seen.add(e.isFromClient()));

    updateFromBrowser(editor, "SELECT 2");

    assertThat(editor.getValue()).isEqualTo("SELECT 2");
    assertThat(seen).containsExactly(true);
  }

  @Test
  void a_read_only_editor_ignores_a_value_sent_by_the_browser() {
    var editor = new SqlEditor("SELECT 1");
    editor.setReadOnly(true);

    updateFromBrowser(editor, "DROP TABLE accounts");

    assertThat(editor.getValue()).isEqualTo("SELECT 1");
    assertThat(editor.getElement().getProperty("value")).isEqualTo("SELECT 1");
  }

  /** What Flow does with a property the browser synchronised (MapSyncRpcHandler). */
  private static void updateFromBrowser(SqlEditor editor, String value) {
    try {
      editor
          .getElement()
          .getNode()
          .getFeature(ElementPropertyMap.class)
          .deferredUpdateFromClient("value", value)
          .run();
    } catch (PropertyChangeDeniedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void show_error_sets_the_attributes_the_element_renders_and_clear_error_removes_them() {
    var editor = new SqlEditor("SELECT\n  1 +;");

    editor.showError(2, 6, "syntax error at or near \";\"");

    var element = editor.getElement();
    assertThat(element.getAttribute("error-line")).isEqualTo("2");
    assertThat(element.getAttribute("error-column")).isEqualTo("6");
    assertThat(element.getAttribute("error-message")).isEqualTo("syntax error at or near \";\"");
    assertThat(editor.getError())
        .contains(new SqlEditor.ErrorMark(2, 6, "syntax error at or near \";\""));

    editor.clearError();

    assertThat(element.hasAttribute("error-line")).isFalse();
    assertThat(element.hasAttribute("error-column")).isFalse();
    assertThat(element.hasAttribute("error-message")).isFalse();
    assertThat(editor.getError()).isEmpty();
  }

  @Test
  void a_postgresql_position_becomes_line_and_column_in_characters() {
    var editor = new SqlEditor("SELECT 1;\nSELEC 2;\n");

    editor.showErrorAtPosition(11, "syntax error at or near \"SELEC\"");

    assertThat(editor.getError())
        .contains(new SqlEditor.ErrorMark(2, 1, "syntax error at or near \"SELEC\""));
    // PostgreSQL counts characters, not UTF-16 units: the emoji is one.
    assertThat(SqlEditor.ErrorMark.at("SELECT '\uD83D\uDE00' x", 13, "m"))
        .isEqualTo(new SqlEditor.ErrorMark(1, 13, "m"));
    assertThat(SqlEditor.ErrorMark.at("a\nb", 1, "m"))
        .isEqualTo(new SqlEditor.ErrorMark(1, 1, "m"));
    assertThat(SqlEditor.ErrorMark.at("a\nb", 3, "m"))
        .isEqualTo(new SqlEditor.ErrorMark(2, 1, "m"));
    assertThat(SqlEditor.ErrorMark.at("a\nb", 99, "m"))
        .isEqualTo(new SqlEditor.ErrorMark(2, 2, "m"));
  }

  @Test
  void an_error_mark_needs_a_position_from_one_up_and_a_message() {
    var editor = new SqlEditor();
    assertThatThrownBy(() -> editor.showError(0, 1, "m"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 0");
    assertThatThrownBy(() -> editor.showError(1, 0, "m"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> editor.showError(1, 1, null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> editor.showErrorAtPosition(0, "m"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(editor.getElement().hasAttribute("error-line")).isFalse();
  }

  @Test
  void read_only_is_the_elements_readonly_property() {
    var editor = new SqlEditor();
    editor.setReadOnly(true);
    assertThat(editor.getElement().getProperty("readonly", false)).isTrue();
    assertThat(editor.isReadOnly()).isTrue();
  }

  @Test
  void size_is_set_on_the_host_element() {
    var editor = new SqlEditor();
    editor.setWidthFull();
    editor.setHeight("30em");
    assertThat(editor.getElement().getStyle().get("width")).isEqualTo("100%");
    assertThat(editor.getElement().getStyle().get("height")).isEqualTo("30em");
  }

  @Test
  void the_tag_and_the_script_url_match_the_shipped_custom_element() throws Exception {
    assertThat(SqlEditor.class.getAnnotation(Tag.class).value()).isEqualTo("hourglass-sql-editor");
    var url = SqlEditor.class.getAnnotation(JavaScript.class).value();
    assertThat(url).startsWith("context://");
    // context://js/x.js is the WAR's own /js/x.js (src/main/webapp). Payara does not serve
    // WEB-INF/classes/META-INF/resources: there, Vaadin's servlet at /* answers with its page.
    var file = Path.of("src/main/webapp", url.substring("context://".length()));
    assertThat(file).exists();
    var script = Files.readString(file);
    assertThat(script).contains("customElements.define('hourglass-sql-editor'");
    for (var attribute : List.of("error-line", "error-column", "error-message", "readonly")) {
      assertThat(script).contains("'" + attribute + "'");
    }
  }
}
