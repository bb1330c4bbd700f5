package io.segpipe.prep.bench;

import io.segpipe.prep.Json;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs {@link PrepBenchmark} on ../shared/datasets/camvid with Spark {@code local[2]} and prints
 * the result as JSON. Until the CLI's {@code segpipe bench prep} exists, run it through the slow
 * test: {@code mvn -B -q -pl data-prep test -Pslow -Dtest=PrepBenchmarkTest}.
 */
public final class PrepBenchmarkMain {

    private PrepBenchmarkMain() {
    }

    public static PrepBenchmark.Result run(String sharedDir, int cores) throws Exception {
        Path work = Files.createTempDirectory("segpipe-bench");
        SparkSession spark = SparkSession.builder().appName("segpipe-bench-prep").master("local[" + cores + "]")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            return PrepBenchmark.run(new PrepBenchmark.Config(Path.of(sharedDir, "datasets", "camvid").toString(),
                    work.resolve("camvid-prep").toString(), 2 * cores, 3), spark);
        } finally {
            spark.stop();
            org.apache.commons.io.FileUtils.deleteDirectory(work.toFile());
        }
    }

    public static void main(String[] args) throws Exception {
        String shared = args.length > 0 ? args[0] : System.getProperty("segpipe.test.shared", "../shared");
        System.out.println(Json.write(run(shared, 2)));
    }
}
