package dev.hourglass.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.common.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TenantNameTest {

  @Test
  void a_name_is_trimmed() {
    assertThat(new TenantName("  Data Platform  ").value()).isEqualTo("Data Platform");
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"   ", "\t"})
  void an_empty_name_asks_for_one(String name) {
    assertThatThrownBy(() -> new TenantName(name))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Enter a name for the team.");
  }

  @Test
  void a_name_longer_than_80_characters_says_how_long_it_is() {
    assertThatThrownBy(() -> new TenantName("x".repeat(81)))
        .hasMessageContaining("81 characters")
        .hasMessageContaining("at most 80");
    assertThat(new TenantName("x".repeat(80)).value()).hasSize(80);
  }

  @Test
  void control_characters_are_refused() {
    assertThatThrownBy(() -> new TenantName("Ops\u0007Team"))
        .hasMessageContaining("control character");
  }
}
