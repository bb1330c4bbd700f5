package io.segpipe.prep.job;

import io.segpipe.prep.schema.DatasetManifest;
import io.segpipe.prep.schema.QuarantineEntry;

import java.util.List;
import java.util.Map;

/**
 * What {@link PrepJob#run} produced.
 *
 * @param output      qualified dataset directory
 * @param inputs      input files considered (pairs plus unpaired files)
 * @param samples     rows written
 * @param quarantine  rejected files with reasons, sorted by path
 * @param manifest    the manifest written beside the data
 * @param phaseMillis wall time per phase: list, process+write (statistics included), publish
 * @param totalMillis wall time of the whole run
 */
public record PrepResult(String output, long inputs, long samples, List<QuarantineEntry> quarantine,
                         DatasetManifest manifest, Map<String, Long> phaseMillis, long totalMillis) {
}
