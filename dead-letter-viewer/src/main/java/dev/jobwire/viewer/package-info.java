/**
 * The dead-letter viewer: a web page and JSON API to find, understand, group and replay dead letters.
 *
 * <p>Layout: {@link dev.jobwire.viewer.ViewerServer} is the composition root and entry point;
 * {@code index} holds the pure in-memory index, bounded by bytes (decoding, fingerprints, filters,
 * grouping, marks, replay outcomes); {@code kafka} the one thread that follows the topics (and its
 * health) and the fetcher that re-reads exact records; {@code actions} replay planning (loop guard,
 * target allowlist), replay and dry-run jobs, marks; {@code audit} the audit trail; {@code security}
 * the Host allowlist, tokens, sessions and throttling; {@code http} the routes and the page's files.
 */
package dev.jobwire.viewer;
