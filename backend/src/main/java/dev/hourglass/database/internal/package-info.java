/**
 * Connections to tenants' target databases with pgjdbc: the connection test ({@link
 * dev.hourglass.database.internal.ConnectionProbe}), the JDBC URL and properties pools reuse
 * ({@link dev.hourglass.database.internal.TargetConnections}), and the socket factories pgjdbc
 * instantiates by class name ({@link dev.hourglass.database.internal.GuardedSocketFactory}, {@link
 * dev.hourglass.database.internal.PemTrustSslSocketFactory}). pgjdbc must be loaded by the same
 * class loader as these classes (it is: both live in the web application).
 */
package dev.hourglass.database.internal;
