/**
 * Wiring: settings, the control-plane database and its migrations, JobRunr hosting, CDI producers,
 * demo data. Features may use {@link dev.hourglass.platform.Settings} and the produced beans;
 * platform uses no feature.
 */
package dev.hourglass.platform;
