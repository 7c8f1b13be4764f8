package dev.hourglass.infra;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Paths of what the infra build fetched, and small WARs built on the spot. */
final class TestFiles {

  static final Path SERVERS = Path.of("target/servers").toAbsolutePath();
  static final Path KEYCLOAK_ZIP = SERVERS.resolve("keycloak-dist.zip");
  static final Path PAYARA_JAR = SERVERS.resolve("payara-micro.jar");

  /**
   * Shared by the Keycloak and DevStack tests: Keycloak's first start in a home runs its build step
   * (about 40 s), later starts reuse it.
   */
  static final Path SHARED_HOME = Path.of("target/it-home").toAbsolutePath();

  private TestFiles() {}

  /** A WAR with the given files; Payara serves them statically (and compiles JSPs). */
  static Path war(Path file, Map<String, String> entries) throws IOException {
    Files.createDirectories(file.getParent());
    try (OutputStream out = Files.newOutputStream(file);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, String> entry : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(entry.getKey()));
        zip.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
    return file;
  }

  static Path healthyWar(Path file) throws IOException {
    return war(file, Map.of("index.html", "<h1>tiny</h1>"));
  }

  /** Processes whose command line mentions {@code marker}, e.g. a server's home directory. */
  static List<String> processesMentioning(String marker) {
    return handlesMentioning(marker).stream()
        .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
        .toList();
  }

  static List<ProcessHandle> handlesMentioning(String marker) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.pid() != ProcessHandle.current().pid())
        .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
        .toList();
  }

  /** The local addresses a process listens on, from {@code ss}; empty when ss is missing. */
  static List<String> listeningAddresses(long pid) throws IOException, InterruptedException {
    Process ss = new ProcessBuilder("ss", "-ltnpH").redirectErrorStream(true).start();
    String output = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    ss.waitFor();
    return output
        .lines()
        .filter(line -> line.contains("pid=" + pid + ","))
        .map(line -> line.trim().split("\\s+")[3])
        .toList();
  }
}
