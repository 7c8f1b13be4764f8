package dev.hourglass.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {

  @Test
  void picked_ports_are_free_and_never_repeat() {
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      int port = FreePorts.pick();
      assertThat(FreePorts.isFree(port)).isTrue();
      assertThat(ports.add(port)).as("port %d handed out twice", port).isTrue();
    }
  }

  @Test
  void a_port_something_listens_on_is_not_free() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThat(FreePorts.isFree(taken.getLocalPort())).isFalse();
    }
  }

  @Test
  void a_port_taken_on_all_interfaces_is_not_free_on_loopback() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      assertThat(FreePorts.isFree(taken.getLocalPort())).isFalse();
    }
  }
}
