package dev.hourglass.infra;

import java.nio.file.Path;

/** A server run as a child process on 127.0.0.1: its address, its log, and how it is stopped. */
abstract class ChildServer implements AutoCloseable {

  final ChildProcess process;
  private final int port;

  ChildServer(ChildProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /** http://127.0.0.1:port, without trailing slash. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public Path logFile() {
    return process.logFile();
  }

  public String logTail() {
    return process.tail();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** For a server that stopped on its own: its exit code and the end of its log. */
  String deathNotice() {
    return process.deathNotice();
  }

  @Override
  public void close() {
    process.close();
  }
}
