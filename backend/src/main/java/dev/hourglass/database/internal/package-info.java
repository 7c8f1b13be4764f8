/**
 * Connections to tenants' target databases with pgjdbc: the connection test ({@link
 * dev.hourglass.database.internal.ConnectionProbe}), the JDBC URL and properties pools reuse
 * ({@link dev.hourglass.database.internal.TargetConnections}), and the socket factories pgjdbc
 * instantiates by class name ({@link dev.hourglass.database.internal.GuardedSocketFactory}, {@link
 * dev.hourglass.database.internal.PemTrustSslSocketFactory}). pgjdbc must be loaded by the same
 * class loader as these classes (it is: both live in the web application).
 *
 * <p>Also the sealing-key rotation ({@link dev.hourglass.database.internal.SealingKeyRotation}) and
 * its command-line entry ({@link dev.hourglass.database.internal.RotateSealingKeys}), which run
 * outside the server with the WAR's libraries.
 */
package dev.hourglass.database.internal;
