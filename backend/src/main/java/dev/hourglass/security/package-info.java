/**
 * Who is calling: {@link dev.hourglass.security.Caller}, built by the UI from the OpenID Connect
 * tokens and passed explicitly to every service method (no thread-local identity).
 */
package dev.hourglass.security;
