/** The dead-letter viewer: not built yet (its own issue). The module exists so the layout is settled. */
package dev.jobwire.viewer;
