package dev.hourglass.action;

/** A message the server sent while running: RAISE NOTICE, DEBUG1 ..., WARNING. */
public record Notice(String severity, String message) {}
