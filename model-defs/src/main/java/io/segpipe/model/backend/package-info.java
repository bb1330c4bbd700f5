/**
 * Loading ND4J correctly and fast: native build selection, DL4J's oneDNN helpers switched on,
 * threads per task, off-heap limits, and one clear message when the backend cannot run.
 */
package io.segpipe.model.backend;
