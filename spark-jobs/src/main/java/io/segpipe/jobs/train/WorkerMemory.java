package io.segpipe.jobs.train;

import java.io.Serializable;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

import org.apache.spark.api.java.JavaSparkContext;

import io.segpipe.model.bench.ProcessMemory;

/**
 * Peak resident memory (Linux VmHWM: heap, ND4J's off-heap arrays, native libraries) of a JVM that
 * ran this application's tasks. ND4J allocates outside the Java heap, so this, not the heap, is
 * what {@code spark.executor.memory + spark.executor.memoryOverhead} must cover; the training job
 * reports it after training so that executors can be sized from a real run.
 *
 * @param host              where the JVM runs
 * @param pid               its process id
 * @param peakResidentBytes its peak resident set since it started (0 where /proc is not available)
 */
public record WorkerMemory(String host, long pid, long peakResidentBytes) implements Serializable {

    /**
     * Probes the executors with two tasks per task slot and returns one entry per JVM that ran one
     * (in local mode: the driver's JVM, which is the executor), sorted by host and pid.
     */
    public static List<WorkerMemory> probe(JavaSparkContext sc) {
        int tasks = 2 * Math.max(1, sc.defaultParallelism());
        List<WorkerMemory> seen = sc.parallelize(IntStream.range(0, tasks).boxed().toList(), tasks)
                .mapPartitions(ignored -> List.of(ofThisJvm()).iterator())
                .collect();
        Map<String, WorkerMemory> byJvm = new LinkedHashMap<>();
        for (WorkerMemory w : seen) {
            byJvm.merge(w.host() + "/" + w.pid(), w, (a, b) -> a.peakResidentBytes() >= b.peakResidentBytes() ? a : b);
        }
        return byJvm.values().stream()
                .sorted(Comparator.comparing(WorkerMemory::host).thenComparingLong(WorkerMemory::pid)).toList();
    }

    static WorkerMemory ofThisJvm() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return new WorkerMemory(host, ProcessHandle.current().pid(), ProcessMemory.peakResidentBytes());
    }

    /** {@code host/pid 3.41 GB} */
    public String describe() {
        return String.format(Locale.ROOT, "%s/%d %.2f GB", host, pid, peakResidentBytes / 1e9);
    }
}
