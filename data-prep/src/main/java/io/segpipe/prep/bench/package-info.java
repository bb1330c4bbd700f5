/**
 * Throughput benchmark of the prep job against a decode-only baseline
 * ({@link io.segpipe.prep.bench.PrepBenchmark}); the CLI renders its result record.
 */
package io.segpipe.prep.bench;
