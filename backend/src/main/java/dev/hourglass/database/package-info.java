/**
 * Tenants' target databases: what to connect to ({@link dev.hourglass.database.ConnectionSpec}),
 * which addresses the operator lets tenants reach ({@link dev.hourglass.database.NetworkPolicy}),
 * and the outcome of a connection test ({@link dev.hourglass.database.ConnectionCheck}). The root
 * holds the API other features and the UI use; {@code internal} holds the pgjdbc implementation.
 * May use {@code common}.
 */
package dev.hourglass.database;
