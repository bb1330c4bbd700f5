package io.segpipe.jobs.infer;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.predict.Segmenter;
import io.segpipe.model.spec.SegmentationSpec;

/**
 * A model shipped to the executors once, as a Spark broadcast of its DL4J zip bytes, and restored
 * at most once per concurrently running task per executor JVM.
 *
 * <p>A DL4J graph is not re-entrant ({@link Segmenter} serialises calls), so tasks running side by
 * side in one executor must not share a network: each task {@link #lease leases} a segmenter from
 * a per-JVM pool and returns it when the partition is done, so an executor with 4 task slots
 * restores the model at most 4 times however many partitions it runs. Pools of the last few
 * broadcasts are kept; older ones are dropped. {@link #restore} bypasses the pool for callers that
 * broadcast many short-lived versions of a network.
 */
public final class ModelBroadcast implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final int POOLS_KEPT = 4;
    /** Broadcast id -> idle segmenters. Access synchronised on the map. */
    private static final Map<Long, ArrayDeque<Segmenter>> POOLS = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, ArrayDeque<Segmenter>> eldest) {
            return size() > POOLS_KEPT;
        }
    };

    private final Broadcast<byte[]> bytes;
    private final SegmentationSpec spec;
    private final String path;

    private ModelBroadcast(Broadcast<byte[]> bytes, SegmentationSpec spec, String path) {
        this.bytes = bytes;
        this.spec = spec;
        this.path = path;
    }

    /** Broadcasts {@code model} (driver side). */
    public static ModelBroadcast of(JavaSparkContext sc, LoadedModel model) {
        return new ModelBroadcast(sc.broadcast(model.bytes()), model.spec(), model.path());
    }

    public SegmentationSpec spec() {
        return spec;
    }

    /** ND4J threads for each task of {@code spark}: {@code spark.task.cpus}. */
    public static int threadsPerTask(SparkSession spark) {
        return spark.sparkContext().getConf().getInt("spark.task.cpus", 1);
    }

    /**
     * Initialises ND4J for this task ({@link Nd4jBackend#init()}, one ND4J thread per task core)
     * and leases a segmenter; close the lease to return it.
     *
     * @param threads ND4J threads for this task ({@code spark.task.cpus})
     */
    public Lease lease(int threads) {
        initNd4j(threads);
        Segmenter s = null;
        synchronized (POOLS) {
            ArrayDeque<Segmenter> pool = POOLS.get(bytes.id());
            if (pool != null) {
                s = pool.poll();
            }
        }
        if (s == null) {
            s = LoadedModel.segmenter(path, spec, bytes.value());
        }
        return new Lease(bytes.id(), s);
    }

    /**
     * Initialises ND4J for this task like {@link #lease} and restores a segmenter of the task's own,
     * outside the pool: for a caller that broadcasts a new version of a network every few minutes
     * (validation during training), whose pooled copies would pile up in long-lived executors.
     */
    public Segmenter restore(int threads) {
        initNd4j(threads);
        return LoadedModel.segmenter(path, spec, bytes.value());
    }

    private static void initNd4j(int threads) {
        Nd4jBackend.init();
        Nd4jBackend.setThreads(threads);
    }

    /** Segmenters of this broadcast currently idle in this JVM (for tests). */
    int idle() {
        synchronized (POOLS) {
            ArrayDeque<Segmenter> pool = POOLS.get(bytes.id());
            return pool == null ? 0 : pool.size();
        }
    }

    /**
     * Releases the broadcast's blocks on the executors and this JVM's pooled networks of it (driver
     * side, after the job; in local mode the driver is the executor). Remote executors drop their
     * pool when newer broadcasts push it out of the last {@value #POOLS_KEPT}.
     */
    public void destroy() {
        synchronized (POOLS) {
            POOLS.remove(bytes.id());
        }
        bytes.destroy();
    }

    /** One task's use of a segmenter. */
    public static final class Lease implements AutoCloseable {
        private final long id;
        private Segmenter segmenter;

        private Lease(long id, Segmenter segmenter) {
            this.id = id;
            this.segmenter = segmenter;
        }

        public Segmenter segmenter() {
            if (segmenter == null) {
                throw new IllegalStateException("lease already closed");
            }
            return segmenter;
        }

        @Override
        public void close() {
            if (segmenter == null) {
                return;
            }
            synchronized (POOLS) {
                POOLS.computeIfAbsent(id, k -> new ArrayDeque<>()).push(segmenter);
            }
            segmenter = null;
        }
    }
}
