/**
 * segpipe data preparation: turns labelled image datasets on any Hadoop FileSystem into the
 * sharded Parquet dataset (plus manifest and quarantine listing) that training, evaluation and
 * scoring read. Knows Spark, Hadoop FS and the shard schema; never DL4J/ND4J.
 *
 * <p>Entry points: {@link io.segpipe.prep.job.PrepJob#run} (the job),
 * {@link io.segpipe.prep.reader.PreppedDataset} (the reader other jobs use),
 * {@link io.segpipe.prep.schema.ShardSchema} (the one schema constant),
 * {@link io.segpipe.prep.schema.ClassTable} (class ids, names, colours, ignore label),
 * {@link io.segpipe.prep.fs.AtomicFs} (atomic writes on Hadoop FS paths),
 * {@link io.segpipe.prep.codec.ImageCodec} (PNG/JPEG decode and encode) and
 * {@link io.segpipe.prep.synth.SyntheticDatasetGenerator}.
 */
package io.segpipe.prep;
