package io.segpipe.jobs.registry;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonCreator;

import io.segpipe.prep.Checks;
import io.segpipe.prep.Json;

/**
 * One change of the registry, as an immutable file {@code history/<finishedAt>-<runId>.json}: a
 * retraining run ({@link Action#RETRAIN}), or a manual promotion or rollback of the production
 * pointer ({@link Action#PROMOTE}, {@link Action#ROLLBACK}). A manual change fills only the fields
 * that describe it (times, host, user, outcome, reason, {@code championVersion} = production before,
 * {@code challengerVersion} = the version promoted, {@code productionAfter}); the training and
 * evaluation fields stay empty. Files written before {@code action} existed read as retraining runs.
 *
 * @param runId                 the run (for a manual change, the id its command held the lock with)
 * @param startedAt             ISO-8601 UTC start
 * @param finishedAt            ISO-8601 UTC end (names the file, so history lists in this order)
 * @param host                  driver host
 * @param outcome               promoted, kept, or failed
 * @param reason                why, in words (the decision's reason, or the error)
 * @param metric                the metric the decision compared (e.g. {@code meanIoU}), or null for a manual change
 * @param margin                the required improvement, or null for a manual change
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
 * @param action                what made the change (RETRAIN when absent, as in files written before it existed)
 * @param user                  the user who ran a manual change, or null
 * @param comparison            the run's champion-versus-challenger page ({@code reports/<run>/comparison/index.html}),
 *                              or null (no champion to compare with, a failed run, a manual change, or a record
 *                              written before comparisons existed)
 */
public record HistoryRecord(String runId, String startedAt, String finishedAt, String host, RunOutcome outcome,
                            String reason, String metric, Double margin, Double floor, String dataset,
                            String datasetManifestSha256, long datasetSamples, String trainSplit, String evalSplit,
                            Integer warmStartFrom, Integer championVersion, Integer challengerVersion,
                            Integer productionAfter, Map<String, Double> championMetrics,
                            Map<String, Double> challengerMetrics, Map<String, Double> seconds, String reports,
                            LockInfo brokeStaleLock, String error, Action action, String user, String comparison) {

    /** What made a registry change. */
    public enum Action {
        /** A scheduled retraining run ({@code segpipe retrain}). */
        RETRAIN,
        /** {@code segpipe registry promote}: production set to a chosen version. */
        PROMOTE,
        /** {@code segpipe registry rollback}: production returned to the version before. */
        ROLLBACK
    }

    @JsonCreator
    public HistoryRecord {
        Checks.notBlank("runId", runId);
        Checks.notBlank("startedAt", startedAt);
        Checks.notBlank("finishedAt", finishedAt);
        Checks.notNull("outcome", outcome);
        Checks.notNull("reason", reason);
        championMetrics = copy(championMetrics);
        challengerMetrics = copy(challengerMetrics);
        seconds = copy(seconds);
        action = action == null ? Action.RETRAIN : action;
    }

    /** A retraining run's record, with its comparison page or null. */
    public HistoryRecord(String runId, String startedAt, String finishedAt, String host, RunOutcome outcome,
                         String reason, String metric, Double margin, Double floor, String dataset,
                         String datasetManifestSha256, long datasetSamples, String trainSplit, String evalSplit,
                         Integer warmStartFrom, Integer championVersion, Integer challengerVersion,
                         Integer productionAfter, Map<String, Double> championMetrics,
                         Map<String, Double> challengerMetrics, Map<String, Double> seconds, String reports,
                         LockInfo brokeStaleLock, String error, String comparison) {
        this(runId, startedAt, finishedAt, host, outcome, reason, metric, margin, floor, dataset, datasetManifestSha256,
                datasetSamples, trainSplit, evalSplit, warmStartFrom, championVersion, challengerVersion,
                productionAfter, championMetrics, challengerMetrics, seconds, reports, brokeStaleLock, error,
                Action.RETRAIN, null, comparison);
    }

    /**
     * A manual change of the production pointer.
     *
     * @param before the production version before, or null
     * @param promoted the version promoted (null for a rollback)
     * @param after  the production version after
     */
    public static HistoryRecord manual(Action action, String runId, String startedAt, String finishedAt, String host,
                                       String user, String reason, Integer before, Integer promoted, int after,
                                       LockInfo brokeStaleLock) {
        if (action == Action.RETRAIN) {
            throw new IllegalArgumentException("a manual change is a promotion or a rollback, found " + action);
        }
        RunOutcome outcome = action == Action.PROMOTE ? RunOutcome.PROMOTED : RunOutcome.ROLLED_BACK;
        return new HistoryRecord(runId, startedAt, finishedAt, host, outcome, reason, null, null, null, null, null, 0,
                null, null, null, before, promoted, after, Map.of(), Map.of(), Map.of(), null, brokeStaleLock, null,
                action, user, null);
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
