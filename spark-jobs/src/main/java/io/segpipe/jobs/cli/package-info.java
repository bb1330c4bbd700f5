/** The {@code segpipe} command line: option parsing, result tables and JSON; no job logic. */
package io.segpipe.jobs.cli;
