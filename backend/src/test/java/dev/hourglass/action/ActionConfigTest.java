package dev.hourglass.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.common.InvalidInputException;
import org.junit.jupiter.api.Test;

class ActionConfigTest {

  @Test
  void decimals_keep_every_digit() {
    assertThat(new ActionConfig("{\"ratio\": 12345678901234567890.5}").json())
        .isEqualTo("{\"ratio\":12345678901234567890.5}");
  }

  @Test
  void text_after_the_document_is_refused() {
    assertThatThrownBy(() -> new ActionConfig("{} junk"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void blank_means_no_config() {
    assertThat(new ActionConfig("  ").isEmpty()).isTrue();
  }
}
