package io.segpipe.jobs.retrain;

import io.segpipe.jobs.registry.HistoryRecord;
import io.segpipe.jobs.registry.RunOutcome;

/**
 * What a retraining run did.
 *
 * @param runId             the run
 * @param outcome           promoted or kept (a failed run throws; its record is in the history)
 * @param reason            the decision's reason
 * @param challengerVersion the version the challenger was registered as
 * @param championVersion   the production version at the start, or null
 * @param productionVersion the production version at the end
 * @param challengerScore   the challenger's {@code metric} on the held-out split
 * @param championScore     the champion's, or null without champion
 * @param historyFile       the run's history record
 * @param record            its content
 */
public record RetrainResult(String runId, RunOutcome outcome, String reason, int challengerVersion,
                            Integer championVersion, Integer productionVersion, double challengerScore,
                            Double championScore, String historyFile, HistoryRecord record) {
}
