/**
 * Hadoop FileSystem helpers shared by every segpipe job: atomic file writes and directory
 * publication ({@link io.segpipe.prep.fs.AtomicFs}, also used for training checkpoints and the
 * model registry) and a serialisable Hadoop configuration for executors.
 */
package io.segpipe.prep.fs;
