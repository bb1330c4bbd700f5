package io.segpipe.prep.job;

import io.segpipe.prep.Json;
import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.layout.PairedFolders;
import io.segpipe.prep.schema.ClassTable;
import io.segpipe.prep.schema.QuarantineEntry;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs prep twice on one input inside whatever heap this JVM was given ({@link SmallHeapPrepTest}
 * starts it with 512 MiB): once with the default {@code maxDecodedBytes}, once with the largest
 * allowed, so that only the out-of-memory handling stands between a huge raster and the heap.
 * Writes, as JSON to the result file: the JVM's maximum heap and, per run, the sample count and the
 * quarantine reasons by path.
 *
 * <p>Arguments: input root (paired folders {@code images}, {@code labels}), output folder, result file.
 */
public final class SmallHeapPrepMain {

    private SmallHeapPrepMain() {
    }

    public static void main(String[] args) throws Exception {
        Path input = Path.of(args[0]);
        Path output = Path.of(args[1]);
        Path resultFile = Path.of(args[2]);
        SparkSession spark = SparkSession.builder().appName("segpipe-small-heap-prep").master("local[2]")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
        try {
            PrepConfig.Builder config = PrepConfig.builder().input(PairedFolders.of(input.toString(), "images", "labels"))
                    .classes(ClassTable.of(255, "a", "b", "c")).shardCount(2).maxBadFraction(1.0);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("maxHeap", Runtime.getRuntime().maxMemory());
            result.put("defaults", summary(PrepJob.run(config.output(output.resolve("defaults").toString()).build(), spark)));
            result.put("raised", summary(PrepJob.run(config.output(output.resolve("raised").toString())
                    .maxDecodedBytes(ImageCodec.MAX_DECODED_BYTES_LIMIT).build(), spark)));
            Files.writeString(resultFile, Json.write(result));
        } finally {
            spark.stop();
        }
    }

    private static Map<String, Object> summary(PrepResult r) {
        Map<String, String> reasons = new TreeMap<>();
        for (QuarantineEntry q : r.quarantine()) {
            reasons.put(q.path(), q.reason());
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("samples", r.samples());
        s.put("quarantine", reasons);
        return s;
    }
}
