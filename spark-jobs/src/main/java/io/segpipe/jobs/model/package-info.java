/**
 * The model directory format shared by training, evaluation, scoring and retraining
 * ({@link io.segpipe.jobs.model.ModelDirectory}): DL4J zip, spec, training configuration, data
 * manifest and its hash, per-epoch metrics ({@link io.segpipe.jobs.model.MetricsHistory}, JSON and
 * CSV), curves PNG, {@link io.segpipe.jobs.model.Provenance} and the
 * {@link io.segpipe.jobs.model.InferenceDefaults} (how training prepared the input, which the jobs
 * that apply the model default to), written atomically to any Hadoop file system and validated
 * when read.
 */
package io.segpipe.jobs.model;
