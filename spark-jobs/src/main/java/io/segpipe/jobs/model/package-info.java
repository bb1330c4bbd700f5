/**
 * The model directory format shared by training, evaluation, scoring and retraining
 * ({@link io.segpipe.jobs.model.ModelDirectory}): DL4J zip, spec, training configuration, data
 * manifest and its hash, per-epoch metrics ({@link io.segpipe.jobs.model.MetricsHistory}, JSON and
 * CSV), curves PNG and {@link io.segpipe.jobs.model.Provenance}, written atomically to any Hadoop
 * file system and validated when read.
 */
package io.segpipe.jobs.model;
