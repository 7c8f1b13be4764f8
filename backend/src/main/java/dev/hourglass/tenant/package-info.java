/**
 * Tenants (teams) and their members. The root holds the API other features and the UI use; {@code
 * internal} holds the JDBC implementation. May use {@code common} and {@code security}.
 */
package dev.hourglass.tenant;
