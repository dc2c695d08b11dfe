/**
 * The dead-letter viewer: a web page and JSON API to find, understand, group and replay dead letters.
 *
 * <p>Layout: {@link dev.jobwire.viewer.ViewerServer} is the composition root and entry point;
 * {@code index} holds the pure in-memory index (decoding, fingerprints, filters, marks);
 * {@code kafka} the one thread that follows the topics and the fetcher that re-reads exact records;
 * {@code replay} replay planning, jobs and the audit trail; {@code http} the routes, the security
 * checks and the static files.
 */
package dev.jobwire.viewer;
