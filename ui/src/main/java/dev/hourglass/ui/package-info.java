/**
 * The Vaadin UI and the web entry points (sign-in callback, sign-out, health probes). Views are
 * thin: they get services through the constructor and pass the {@link
 * dev.hourglass.security.Caller} explicitly. The UI may use backend feature roots, never their
 * {@code internal} packages.
 */
package dev.hourglass.ui;
