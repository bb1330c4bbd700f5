/** {@code segpipe demo}: every stage of the pipeline on generated data, in a few minutes, without a cluster. */
package io.segpipe.jobs.demo;
