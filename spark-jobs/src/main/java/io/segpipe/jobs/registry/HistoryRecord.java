package io.segpipe.jobs.registry;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import io.segpipe.prep.Checks;
import io.segpipe.prep.Json;

/**
 * One retraining run, as an immutable file {@code history/<finishedAt>-<runId>.json}.
 *
 * @param runId                 the run
 * @param startedAt             ISO-8601 UTC start
 * @param finishedAt            ISO-8601 UTC end (names the file, so history lists in this order)
 * @param host                  driver host
 * @param outcome               promoted, kept, or failed
 * @param reason                why, in words (the decision's reason, or the error)
 * @param metric                the metric the decision compared (e.g. {@code meanIoU})
 * @param margin                the required improvement
 * @param floor                 the absolute minimum a challenger needed, or null
 * @param dataset               the prepared dataset
 * @param datasetManifestSha256 SHA-256 of its manifest.json, or null when the run failed before reading it
 * @param datasetSamples        rows in the dataset (all splits), or 0 when unknown
 * @param trainSplit            split trained on
 * @param evalSplit             held-out split both models were evaluated on
 * @param warmStartFrom         version the challenger's training started from, or null (from scratch)
 * @param championVersion       production version at the start, or null
 * @param challengerVersion     version the challenger was registered as, or null when it was not
 * @param productionAfter       production version at the end, or null
 * @param championMetrics       champion's scalar metrics on the held-out split (empty without champion)
 * @param challengerMetrics     challenger's scalar metrics on the held-out split (empty when not evaluated)
 * @param seconds               timings by step (train, evalChallenger, evalChampion, register, total, ...)
 * @param reports               directory of the run's evaluation reports, or null
 * @param brokeStaleLock        the stale lock this run broke to start, or null
 * @param error                 the failure, or null
 */
public record HistoryRecord(String runId, String startedAt, String finishedAt, String host, RunOutcome outcome,
                            String reason, String metric, double margin, Double floor, String dataset,
                            String datasetManifestSha256, long datasetSamples, String trainSplit, String evalSplit,
                            Integer warmStartFrom, Integer championVersion, Integer challengerVersion,
                            Integer productionAfter, Map<String, Double> championMetrics,
                            Map<String, Double> challengerMetrics, Map<String, Double> seconds, String reports,
                            LockInfo brokeStaleLock, String error) {

    public HistoryRecord {
        Checks.notBlank("runId", runId);
        Checks.notBlank("startedAt", startedAt);
        Checks.notBlank("finishedAt", finishedAt);
        Checks.notNull("outcome", outcome);
        Checks.notNull("reason", reason);
        championMetrics = copy(championMetrics);
        challengerMetrics = copy(challengerMetrics);
        seconds = copy(seconds);
    }

    private static Map<String, Double> copy(Map<String, Double> m) {
        return m == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    public String toJson() {
        return Json.write(this);
    }

    public static HistoryRecord fromJson(String json) {
        return Json.read(json, HistoryRecord.class);
    }
}
