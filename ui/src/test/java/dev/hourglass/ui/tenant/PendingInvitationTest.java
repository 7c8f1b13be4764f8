package dev.hourglass.ui.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PendingInvitationTest {

  @Test
  void only_tokens_of_the_issued_shape_are_kept() {
    assertThat(PendingInvitation.wellFormed("aZ0_-".repeat(8) + "abc")).isTrue();
    assertThat(PendingInvitation.wellFormed(null)).isFalse();
    assertThat(PendingInvitation.wellFormed("x".repeat(42))).isFalse();
    assertThat(PendingInvitation.wellFormed("x".repeat(44))).isFalse();
    assertThat(PendingInvitation.wellFormed("x".repeat(42) + "=")).isFalse();
    assertThat(PendingInvitation.wellFormed("' or 1=1 --" + "x".repeat(32))).isFalse();
  }
}
