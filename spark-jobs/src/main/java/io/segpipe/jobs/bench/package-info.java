/**
 * {@code segpipe bench scaling}: what DL4J's parameter averaging costs per averaging round, measured
 * on local Spark and projected to clusters. {@link io.segpipe.jobs.bench.AveragingRounds} trains
 * one network for timed averaging rounds and reads DL4J's own training statistics
 * ({@link io.segpipe.jobs.bench.RoundTimes}) and Spark's task and block metrics
 * ({@link io.segpipe.jobs.bench.AveragingTraffic}); {@link io.segpipe.jobs.bench.ScalingModel}
 * fits a per-round time model to those measurements and projects throughput and the averaging
 * overhead to more workers; {@link io.segpipe.jobs.bench.ScalingBenchmark} runs it for a list of
 * architectures and renders the table.
 */
package io.segpipe.jobs.bench;
