package io.segpipe.prep.bench;

import io.segpipe.prep.Json;
import io.segpipe.prep.testkit.SharedData;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Measures prep throughput on CamVid (468 pairs) with Spark {@code local[2]}; slow, and timing
 * depends on the machine's load, so the test asserts that the benchmark ran completely and prints
 * the figures rather than failing on the ratio. Run:
 * {@code mvn -B -q -pl data-prep test -Pslow -Dtest=PrepBenchmarkTest} (CamVid located by
 * {@link SharedData}); the JSON lands in
 * {@code data-prep/target/surefire-reports/io.segpipe.prep.bench.PrepBenchmarkTest-output.txt}.
 * {@code segpipe bench prep --camvid DIR} runs the same benchmark from the command line.
 */
@Tag("slow")
class PrepBenchmarkTest {

    private static final int CORES = 2;

    @Test
    void camvidPrepAgainstDecodeOnlyBaseline(@TempDir Path work) throws Exception {
        Path camvid = SharedData.requireDataset("camvid");
        SparkSession spark = SparkSession.builder().appName("segpipe-bench-prep").master("local[" + CORES + "]")
                .config("spark.ui.enabled", "false").getOrCreate();
        PrepBenchmark.Result r;
        try {
            r = PrepBenchmark.run(new PrepBenchmark.Config(camvid.toString(), work.resolve("camvid-prep").toString(),
                    2 * CORES, 3), spark);
        } finally {
            spark.stop();
        }
        System.out.println("PREP BENCHMARK " + Json.write(r));
        assertEquals(468, r.pairs());
        assertEquals(CORES, r.cores());
    }
}
