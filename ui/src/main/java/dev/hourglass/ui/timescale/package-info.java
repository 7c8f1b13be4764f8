/**
 * The TimescaleDB page of a database: its native jobs next to Hourglass (adopt, hand back) and the
 * templates with their config forms. Uses the {@code timescale}, {@code database} and {@code
 * action} APIs.
 */
package dev.hourglass.ui.timescale;
