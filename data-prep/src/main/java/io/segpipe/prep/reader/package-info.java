/**
 * Reading a prepared dataset in other jobs: {@link io.segpipe.prep.reader.PreppedDataset} checks
 * the manifest, schema version, that every shard it lists is present and complete, and class
 * count before any work, bounds the corrupt rows a reader may skip
 * ({@link io.segpipe.prep.reader.CorruptRowLimit}), and turns rows into
 * {@link io.segpipe.prep.reader.TensorSample}s (float CHW image normalised per
 * {@link io.segpipe.prep.reader.Normalization}, int label ids) on executors. Plain Java arrays:
 * spark-jobs wraps them into ND4J arrays.
 */
package io.segpipe.prep.reader;
