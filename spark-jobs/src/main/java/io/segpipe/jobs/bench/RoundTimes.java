package io.segpipe.jobs.bench;

import java.util.List;

import org.deeplearning4j.spark.api.stats.CommonSparkTrainingStats;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.impl.paramavg.stats.ParameterAveragingTrainingMasterStats;
import org.deeplearning4j.spark.impl.paramavg.stats.ParameterAveragingTrainingWorkerStats;
import org.deeplearning4j.spark.stats.EventStats;

/**
 * DL4J's own timing of one averaging round, read from the statistics a
 * {@code ParameterAveragingTrainingMaster} built with {@code collectTrainingStats(true)} keeps
 * ({@link ParameterAveragingTrainingMasterStats}; the workers' part arrives with their results as
 * {@link CommonSparkTrainingStats} holding {@link ParameterAveragingTrainingWorkerStats}). The
 * aggregate time is DL4J's {@code treeAggregate} call, the Spark action that runs the round, so it
 * includes the workers' training; the fit times are {@code ComputationGraph.fit} per minibatch.
 *
 * @param broadcastMs creating the broadcast of parameters and updater state
 * @param aggregateMs the treeAggregate action (workers' training + results + summing)
 * @param processParamsMs dividing the sums and setting them on the driver's network
 * @param workerFitMs every worker's {@code fit} time in the round, summed over minibatches and workers
 * @param workerFits minibatches fitted in the round, over all workers
 * @param workerTaskMs every worker task's total time (model set-up, data, fits, result), summed
 */
record RoundTimes(long broadcastMs, long aggregateMs, long processParamsMs, long workerFitMs, int workerFits,
                  long workerTaskMs) {

    /** The figures of {@code stats}, the statistics of a master that ran exactly one round. */
    static RoundTimes of(SparkTrainingStats stats) {
        if (!(stats instanceof ParameterAveragingTrainingMasterStats master)) {
            throw new IllegalStateException("expected DL4J parameter-averaging statistics, found "
                    + (stats == null ? "none (collectTrainingStats off?)" : stats.getClass().getName()));
        }
        if (!(master.getWorkerStats() instanceof CommonSparkTrainingStats common)
                || !(common.getTrainingWorkerSpecificStats() instanceof ParameterAveragingTrainingWorkerStats worker)) {
            throw new IllegalStateException("DL4J's statistics hold no parameter-averaging worker statistics: "
                    + master.getWorkerStats());
        }
        List<EventStats> fits = worker.getParameterAveragingWorkerFitTimesMs();
        return new RoundTimes(sum(master.getParameterAveragingMasterBroadcastCreateTimesMs()),
                sum(master.getParamaterAveragingMasterAggregateTimesMs()),
                sum(master.getParameterAveragingMasterProcessParamsUpdaterTimesMs()),
                sum(fits), fits == null ? 0 : fits.size(), sum(common.getWorkerFlatMapTotalTimeMs()));
    }

    private static long sum(List<EventStats> events) {
        return events == null ? 0 : events.stream().mapToLong(EventStats::getDurationMs).sum();
    }
}
