package dev.hourglass.ui.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReturnPathTest {

  @Test
  void paths_inside_the_app_are_kept() {
    assertThat(ReturnPath.isSafe("/invitation")).isTrue();
    assertThat(ReturnPath.isSafe("/")).isTrue();
    assertThat(ReturnPath.isSafe("/team/new-team")).isTrue();
  }

  @Test
  void absolute_protocol_relative_and_odd_paths_are_refused_so_there_is_no_open_redirect() {
    for (var bad :
        new String[] {
          null,
          "",
          "invitation",
          "http://evil.example/",
          "https:evil.example",
          "//evil.example",
          "/\\evil.example",
          "/a//b",
          "/../x",
          "/x?next=http://evil.example",
          "/x#frag",
          "/x\r\nLocation: http://evil.example",
          "/%2F%2Fevil.example"
        }) {
      assertThat(ReturnPath.isSafe(bad)).as(String.valueOf(bad)).isFalse();
    }
    assertThatThrownBy(() -> ReturnPath.remember(null, "//evil.example"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
