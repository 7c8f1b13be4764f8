package dev.hourglass.infra;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A server process whose output goes to a log file, stopped together with everything it spawned.
 */
final class ChildProcess implements AutoCloseable {

  static final int TAIL_LINES = 40;
  private static final Duration GRACE = Duration.ofSeconds(10);
  private static final Pattern ANSI_ESCAPE = Pattern.compile("\u001B\\[[;\\d]*m");

  /** Decides whether the service is up; may throw {@link ServiceStartException} to give up. */
  @FunctionalInterface
  interface ReadinessCheck {
    boolean ready() throws IOException;
  }

  private final String name;
  private final Process process;
  private final Path logFile;

  private ChildProcess(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
  }

  /**
   * Starts {@code command} with the inherited environment plus {@code env}, without variables
   * listed in {@code removeFromEnv}. The log file is truncated first: each start gets its own log.
   */
  static ChildProcess start(
      String name,
      List<String> command,
      Map<String, String> env,
      List<String> removeFromEnv,
      Path workingDirectory,
      Path logFile)
      throws IOException {
    Files.createDirectories(logFile.toAbsolutePath().getParent());
    ProcessBuilder builder = new ProcessBuilder(command);
    removeFromEnv.forEach(builder.environment()::remove);
    builder.environment().putAll(env);
    builder.directory(workingDirectory.toFile());
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()));
    // Nothing is ever typed into these servers; reading /dev/null also keeps them from stealing
    // the terminal's input from the launcher.
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    return new ChildProcess(name, builder.start(), logFile);
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Path logFile() {
    return logFile;
  }

  /** For a command that ends by itself (an installer): whether it ended within {@code timeout}. */
  boolean waitFor(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new ServiceStartException(name + " was interrupted.", e);
    }
  }

  /** The exit code of a process that has ended. */
  int exitCode() {
    return process.exitValue();
  }

  /**
   * Polls {@code check} until it says ready. Stops the process and throws with the log tail when
   * the process exits first, the check gives up, the time runs out, or the thread is interrupted.
   */
  void awaitReady(Duration timeout, ReadinessCheck check) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        if (!process.isAlive()) {
          throw new ServiceStartException(
              name + " exited with code " + process.exitValue() + " before it was ready." + tail());
        }
        try {
          if (check.ready()) {
            return;
          }
        } catch (IOException notYet) {
          // Connection refused and the like: the server is still booting.
        }
        if (System.nanoTime() > deadline) {
          throw new ServiceStartException(
              name + " was not ready within " + timeout.toSeconds() + " s." + tail());
        }
        Thread.sleep(250);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new ServiceStartException(name + " start was interrupted.", e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** For a process that stopped on its own: its exit code and the end of its log. */
  String deathNotice() {
    String code =
        process.isAlive() ? "is still running" : "exited with code " + process.exitValue();
    return name + " " + code + "." + tail();
  }

  /** The log so far, without terminal colour codes. */
  String log() {
    try {
      return stripAnsi(Files.readString(logFile, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return "";
    }
  }

  /** A reader of this process's log that returns each complete line once. */
  LogFollower follow() {
    return new LogFollower(logFile);
  }

  /**
   * Reads only what was appended since the last call, so polling a growing log during a start does
   * not read the whole file again and again.
   */
  static final class LogFollower {
    private final Path file;
    private long position;

    private LogFollower(Path file) {
      this.file = file;
    }

    /** The complete lines written since the last call, without colour codes; may be empty. */
    String newLines() {
      try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
        long length = raf.length();
        if (length <= position) {
          return "";
        }
        byte[] bytes = new byte[(int) Math.min(length - position, Integer.MAX_VALUE - 8)];
        raf.seek(position);
        raf.readFully(bytes);
        // Stop after the last newline: a line still being written is read whole next time, and
        // a newline never splits a UTF-8 character.
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
          end--;
        }
        position += end;
        return stripAnsi(new String(bytes, 0, end, StandardCharsets.UTF_8));
      } catch (IOException e) {
        return "";
      }
    }
  }

  /** Ready to append to an exception message: the log's path and its last lines. */
  String tail() {
    return " Last lines of " + logFile + ":\n" + lastLines(logFile, TAIL_LINES);
  }

  static String lastLines(Path file, int count) {
    // Read only the end: a Payara or Keycloak log can be megabytes long.
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long length = raf.length();
      long from = Math.max(0, length - 64 * 1024);
      byte[] bytes = new byte[(int) (length - from)];
      raf.seek(from);
      raf.readFully(bytes);
      List<String> lines =
          Arrays.asList(stripAnsi(new String(bytes, StandardCharsets.UTF_8)).split("\n", -1));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    } catch (IOException e) {
      return "(log " + file + " could not be read: " + e.getMessage() + ")";
    }
  }

  private static String stripAnsi(String text) {
    return ANSI_ESCAPE.matcher(text).replaceAll("");
  }

  /**
   * Stops the process and all its descendants: politely first (SIGTERM), then by force. Each
   * process is signalled by its own PID, so a wrapper script cannot leave its JVM behind.
   */
  @Override
  public void close() {
    stopTree(process.toHandle(), GRACE);
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void stopTree(ProcessHandle root, Duration grace) {
    // Collected before signalling: once a parent is gone its children are re-parented and can no
    // longer be found from it.
    List<ProcessHandle> tree = treeOf(root);
    tree.forEach(ProcessHandle::destroy);
    if (!awaitExit(tree, grace)) {
      List<ProcessHandle> survivors =
          Stream.concat(tree.stream(), treeOf(root).stream())
              .distinct()
              .filter(ProcessHandle::isAlive)
              .collect(Collectors.toList());
      survivors.forEach(ProcessHandle::destroyForcibly);
      awaitExit(survivors, Duration.ofSeconds(5));
    }
  }

  private static List<ProcessHandle> treeOf(ProcessHandle root) {
    List<ProcessHandle> tree = new ArrayList<>();
    root.descendants().forEach(tree::add);
    tree.add(root);
    return tree;
  }

  private static boolean awaitExit(List<ProcessHandle> processes, Duration timeout) {
    CompletableFuture<?>[] exits =
        processes.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(exits).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return processes.stream().noneMatch(ProcessHandle::isAlive);
    }
  }

  /** The JVM running this code: children use the same Java, so no JAVA_HOME setup is needed. */
  static Path currentJava() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }
}
