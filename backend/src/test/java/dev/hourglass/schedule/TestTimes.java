package dev.hourglass.schedule;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.random.RandomGenerator;

/** Test data helpers: instants written with their offset, and a jitter generator that is fixed. */
final class TestTimes {

  static final Instant CREATED = at("2026-01-01T00:00Z");

  private TestTimes() {}

  /** An instant written as ISO date-time with offset, e.g. {@code 2026-03-29T03:00+02:00}. */
  static Instant at(String isoWithOffset) {
    return OffsetDateTime.parse(isoWithOffset).toInstant();
  }

  /** Always draws {@code k} from 0..31, so TimescaleDB's jitter is (16 − k)/128. */
  record FixedDraw(int k) implements RandomGenerator {
    @Override
    public long nextLong() {
      return k;
    }

    @Override
    public int nextInt(int bound) {
      if (k >= bound) {
        throw new IllegalStateException("draw " + k + " is outside 0.." + (bound - 1));
      }
      return k;
    }
  }

  /** No jitter: k = 16 gives a factor of exactly 1. */
  static final RandomGenerator NO_JITTER = new FixedDraw(16);
}
