/**
 * Who may see and change what: the {@code Host} allowlist (DNS rebinding), tokens and their minimum
 * strength, browser sessions with CSRF tokens, and the per-client throttle on wrong tokens.
 * {@link dev.jobwire.viewer.security.AccessGuard} puts them together for the HTTP routes.
 */
package dev.jobwire.viewer.security;
