/**
 * Reading a prepared dataset in other jobs: {@link io.segpipe.prep.reader.PreppedDataset} checks
 * the manifest, schema version and class count before any work, and turns rows into
 * {@link io.segpipe.prep.reader.TensorSample}s (float CHW image normalised per
 * {@link io.segpipe.prep.reader.Normalization}, int label ids) on executors. Plain Java arrays:
 * spark-jobs wraps them into ND4J arrays.
 */
package io.segpipe.prep.reader;
