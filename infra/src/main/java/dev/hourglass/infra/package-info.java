/**
 * The local stack and the test fixtures: real PostgreSQL (embedded zonky or an external server),
 * Keycloak from its distribution zip, a GreenMail mail catcher, Payara Micro running a WAR,
 * TimescaleDB on PGlite under Node ({@link dev.hourglass.infra.TimescaleServer}, tests only),
 * PostgreSQL 15 with pg_cron ({@link dev.hourglass.infra.PgCronServer}, tests and benchmarks), and
 * {@link dev.hourglass.infra.DevStack}, which wires them for {@code ./hourglass run}.
 *
 * <p>Everything here binds to 127.0.0.1 and picks free ports where it can, so two test runs on one
 * machine do not collide. Child processes write to a log file and are stopped with their whole
 * process tree. This package depends on no other Hourglass module; backend and ui tests depend on
 * it.
 */
package dev.hourglass.infra;
