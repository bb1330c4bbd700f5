package io.segpipe.jobs.bench;

import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.spark.SparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerBlockUpdated;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.storage.BlockUpdatedInfo;

/**
 * The bytes an averaging round moves, as Spark itself counts them. Aggregation: every task's
 * serialized result ({@code resultSize}: each worker's parameters and updater state go back this
 * way, or the last tree level's partial sums) and the shuffle bytes written by tree-aggregation
 * levels ({@code aggregationDepth} 2 or more, when Spark adds a level). Broadcast: the bytes of the
 * torrent-broadcast pieces the driver's block manager stores ({@code broadcast_N_pieceM}, after
 * Spark's compression), i.e. what executors fetch; on a cluster every executor that fetches a piece
 * stores and reports it too, so the figure is the driver's copy only in local mode.
 *
 * <p>Spark delivers listener events asynchronously: {@link #snapshot(SparkContext)} waits until the
 * bus has delivered everything posted before it.
 */
final class AveragingTraffic extends SparkListener {
    private static final long BUS_TIMEOUT_MS = 60_000;

    /**
     * @param resultBytes sum of the tasks' serialized result sizes
     * @param shuffleWriteBytes bytes written to shuffle files
     * @param broadcastBytes bytes of broadcast pieces stored
     * @param stages stages completed
     * @param tasks tasks ended
     */
    record Counts(long resultBytes, long shuffleWriteBytes, long broadcastBytes, int stages, int tasks) {
    }

    private final AtomicLong resultBytes = new AtomicLong();
    private final AtomicLong shuffleWriteBytes = new AtomicLong();
    private final AtomicLong broadcastBytes = new AtomicLong();
    private final AtomicInteger stages = new AtomicInteger();
    private final AtomicInteger tasks = new AtomicInteger();

    /** Registers a new counter on {@code sc}. */
    static AveragingTraffic attach(SparkContext sc) {
        AveragingTraffic traffic = new AveragingTraffic();
        sc.addSparkListener(traffic);
        return traffic;
    }

    /** Detaches this counter from {@code sc}. */
    void detach(SparkContext sc) {
        sc.removeSparkListener(this);
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        TaskMetrics metrics = end.taskMetrics();
        tasks.incrementAndGet();
        if (metrics != null) {
            resultBytes.addAndGet(metrics.resultSize());
            shuffleWriteBytes.addAndGet(metrics.shuffleWriteMetrics().bytesWritten());
        }
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted completed) {
        stages.incrementAndGet();
    }

    @Override
    public void onBlockUpdated(SparkListenerBlockUpdated updated) {
        BlockUpdatedInfo info = updated.blockUpdatedInfo();
        if (info.blockId().isBroadcast() && info.blockId().name().contains("_piece") && info.storageLevel().isValid()) {
            broadcastBytes.addAndGet(info.memSize() + info.diskSize());
        }
    }

    /** The counts since the last call (all events posted before this call), and starts counting afresh. */
    Counts snapshot(SparkContext sc) {
        try {
            sc.listenerBus().waitUntilEmpty(BUS_TIMEOUT_MS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Spark's listener bus did not deliver its events within " + BUS_TIMEOUT_MS + " ms", e);
        }
        return new Counts(resultBytes.getAndSet(0), shuffleWriteBytes.getAndSet(0), broadcastBytes.getAndSet(0),
                stages.getAndSet(0), tasks.getAndSet(0));
    }
}
