package io.segpipe.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.segpipe.it.fixture.ItEnv;
import io.segpipe.it.fixture.MiniHdfs;
import io.segpipe.it.fixture.SharedFixtures;
import io.segpipe.it.fixture.SparkStandaloneCluster;
import io.segpipe.it.fixture.SparkSubmission;
import io.segpipe.prep.Json;
import io.segpipe.prep.fs.HadoopFiles;
import io.segpipe.prep.job.PrepConfig;
import io.segpipe.prep.job.SplitSpec;
import io.segpipe.prep.layout.PairedFolders;
import io.segpipe.prep.synth.SyntheticConfig;
import io.segpipe.prep.synth.SyntheticDatasetGenerator;
import io.segpipe.prep.testkit.LocalSpark;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --deploy-mode cluster} on the standalone cluster the other tests share: the Master runs
 * the driver on one of its Workers (each Worker has a core for it besides its executor's), the
 * driver reads its configuration from HDFS, with an include, and writes its result there; both
 * executors work while the driver runs beside one of them.
 */
@ExtendWith({SharedFixtures.class, LocalSpark.class})
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class StandaloneClusterModeIT {
    private static final SyntheticConfig SYNTH = PipelineConfigs.SYNTH.withSamples(64);
    private static final Pattern SUBMITTED = Pattern.compile("Driver successfully submitted as (driver-\\S+)");
    private static final Pattern FINAL_STATE = Pattern.compile("State of driver (driver-\\S+) is (\\w+), exiting");

    @AfterEach
    void pruneJars() {
        SharedFixtures.cluster().pruneApplicationJars();
    }

    @Test
    void prepRunsItsDriverOnAWorkerWithConfigurationAndResultOnHdfs() throws Exception {
        SparkStandaloneCluster cluster = SharedFixtures.cluster();
        MiniHdfs hdfs = SharedFixtures.hdfs();
        Path run = ItEnv.newDir("standalone-cluster-mode");
        String base = hdfs.url("/it/" + run.getFileName());
        SyntheticExpectations expected = SyntheticExpectations.of(SYNTH, SplitSpec.DEFAULT);
        PairedFolders input = SyntheticDatasetGenerator.generate(SYNTH, base + "/input", new Configuration());
        String conf = PipelineConfigs.putWithInclude(hdfs, base + "/conf", "prep", PrepConfig.builder().input(input)
                .output(base + "/unused").classes(SyntheticDatasetGenerator.classTable()).shardCount(4).build().toJson(),
                "classes");
        String dataset = base + "/dataset";
        String result = base + "/results/prep.json";

        SparkSubmission.Result r = SparkSubmission.to(cluster, run.resolve("prep"))
                .option("--deploy-mode", "cluster")
                // spark-submit waits for the driver and reports its final state
                .conf("spark.standalone.submit.waitAppCompletion", "true")
                .run(Duration.ofMinutes(8), "prep", "--conf", conf, "--set", "output=" + dataset, "--result", result);
        assertEquals(0, r.exitCode(), r.describe());
        Matcher submitted = SUBMITTED.matcher(r.output());
        assertTrue(submitted.find(), "the driver was not submitted to the cluster: " + r.describe());
        String driverId = submitted.group(1);
        Path driverDir = driverDir(cluster, driverId);
        String driverOutput = Files.readString(driverDir.resolve("stdout")) + Files.readString(driverDir.resolve("stderr"));
        Matcher state = FINAL_STATE.matcher(r.output());
        assertTrue(state.find() && state.group(2).equals("FINISHED"), r.describe() + "\ndriver output:\n" + driverOutput);

        assertTrue(Files.readString(driverDir.resolve("stdout")).contains("prepared " + expected.total() + " samples"),
                driverOutput);
        try (FileSystem fs = hdfs.fileSystem()) {
            JsonNode written = Json.mapper().readTree(HadoopFiles.readString(fs, new org.apache.hadoop.fs.Path(result)));
            assertEquals(expected.total(), written.path("samples").asLong(), written.toString());
            assertEquals(dataset, written.path("output").asText(), "--set output=hdfs://... unquoted");
        }
        DatasetAssertions.assertSyntheticDataset(dataset, input.root(), expected);
        DatasetAssertions.assertBothExecutorsWorked(r.eventLog(), cluster);
    }

    /** The one Worker directory the driver ran in ({@code <worker workDir>/<driverId>}). */
    private static Path driverDir(SparkStandaloneCluster cluster, String driverId) {
        List<Path> dirs = new ArrayList<>();
        for (SparkStandaloneCluster.Worker w : cluster.workers()) {
            Path dir = w.workDir().resolve(driverId);
            if (Files.isDirectory(dir)) {
                dirs.add(dir);
            }
        }
        assertEquals(1, dirs.size(), "Worker directories of " + driverId + ": " + dirs);
        return dirs.get(0);
    }
}
