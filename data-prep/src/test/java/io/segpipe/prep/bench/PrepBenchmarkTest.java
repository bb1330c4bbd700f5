package io.segpipe.prep.bench;

import io.segpipe.prep.Json;
import io.segpipe.prep.testkit.SharedData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Measures prep throughput on CamVid (468 pairs); slow, and timing depends on the machine's load,
 * so the test asserts that the benchmark ran completely and prints the figures rather than failing
 * on the ratio. Run: {@code mvn -B -q -pl data-prep test -Pslow -Dtest=PrepBenchmarkTest}; the JSON
 * lands in {@code data-prep/target/surefire-reports/io.segpipe.prep.bench.PrepBenchmarkTest-output.txt}.
 */
@Tag("slow")
class PrepBenchmarkTest {

    @Test
    void camvidPrepAgainstDecodeOnlyBaseline() throws Exception {
        SharedData.requireDataset("camvid");
        PrepBenchmark.Result r = PrepBenchmarkMain.run(System.getProperty("segpipe.test.shared"), 2);
        System.out.println("PREP BENCHMARK " + Json.write(r));
        assertEquals(468, r.pairs());
        assertEquals(2, r.cores());
    }
}
