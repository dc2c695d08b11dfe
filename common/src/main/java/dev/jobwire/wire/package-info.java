/**
 * The Jobwire wire format: how a task travels on Kafka and how a dead letter describes its failure.
 *
 * <p>This package is the single source of truth for topic naming, header names and header
 * encodings; {@code docs/wire-format.md} documents the same contract for non-Java publishers.
 * Producer, worker and dead-letter viewer all read and write records through these classes only.
 */
package dev.jobwire.wire;
