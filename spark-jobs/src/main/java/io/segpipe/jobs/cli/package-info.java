/**
 * The {@code segpipe} command line: option parsing, result tables and JSON, and the exit codes
 * ({@link io.segpipe.jobs.cli.ExitCode}: the one mapping from a failure to its code); no job logic.
 */
package io.segpipe.jobs.cli;
