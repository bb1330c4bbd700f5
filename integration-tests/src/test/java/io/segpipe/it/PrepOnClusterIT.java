package io.segpipe.it;

import io.segpipe.it.fixture.ItEnv;
import io.segpipe.it.fixture.MiniHdfs;
import io.segpipe.it.fixture.SharedFixtures;
import io.segpipe.it.fixture.SparkStandaloneCluster;
import io.segpipe.it.fixture.SparkSubmission;
import io.segpipe.prep.job.PrepConfig;
import io.segpipe.prep.job.SplitSpec;
import io.segpipe.prep.layout.PairedFolders;
import io.segpipe.prep.synth.SyntheticConfig;
import io.segpipe.prep.synth.SyntheticDatasetGenerator;
import io.segpipe.prep.testkit.LocalSpark;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code segpipe prep} submitted as the shaded jar to the standalone cluster: every synthetic sample
 * lands in its split with its source bytes, the manifest states what is there, and both
 * executors processed samples. Once with local paths, once with input and output on HDFS.
 *
 * <p>Tagged slow: the default run covers prep on HDFS with the same assertions as the first step
 * of {@link PipelineOnClusterIT}, and prep of local files in {@link BadInputOnClusterIT}.
 */
@Tag("slow")
@ExtendWith({SharedFixtures.class, LocalSpark.class})
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class PrepOnClusterIT {
    static final SyntheticConfig SYNTH = SyntheticConfig.DEFAULT.withSamples(40).withSize(32, 32).withSeed(11);
    static final Duration RUN_TIMEOUT = Duration.ofMinutes(8);

    @AfterEach
    void pruneJars() {
        SharedFixtures.cluster().pruneApplicationJars();
    }

    @Test
    void prepOfLocalFilesShardsEverySampleAcrossBothExecutors() throws Exception {
        SparkStandaloneCluster cluster = SharedFixtures.cluster();
        Path run = ItEnv.newDir("prep-local");
        PairedFolders input = SyntheticDatasetGenerator.generate(SYNTH, run.resolve("input").toString(), new Configuration());
        String output = run.resolve("prepped").toUri().toString();

        SparkSubmission.Result r = SparkSubmission.to(cluster, run.resolve("submit"))
                .run(RUN_TIMEOUT, "prep", "--conf", prepConf(run, input, output).toString(), "--set", "shardCount=4");

        assertEquals(0, r.exitCode(), r.describe());
        assertTrue(r.stdoutLines().contains("prepared 40 samples from 40 input files into " + output.replaceAll("/$", "")
                .replace("file:///", "file:/")), r.describe());
        DatasetAssertions.assertSyntheticDataset(output, input.root(), SyntheticExpectations.of(SYNTH, SplitSpec.DEFAULT));
        DatasetAssertions.assertBothExecutorsWorked(r.eventLog(), cluster);
    }

    @Test
    void prepReadsItsInputFromHdfsAndPublishesTheDatasetThere() throws Exception {
        SparkStandaloneCluster cluster = SharedFixtures.cluster();
        MiniHdfs hdfs = SharedFixtures.hdfs();
        Path run = ItEnv.newDir("prep-hdfs");
        String root = hdfs.url("/it/" + run.getFileName() + "/input");
        PairedFolders input = SyntheticDatasetGenerator.generate(SYNTH, root, new Configuration());
        String output = hdfs.url("/it/" + run.getFileName() + "/prepped");

        SparkSubmission.Result r = SparkSubmission.to(cluster, run.resolve("submit"))
                // 1 MiB blocks: the shards span several HDFS blocks, as large ones do on a real cluster
                .conf("spark.hadoop.dfs.blocksize", "1048576")
                .run(RUN_TIMEOUT, "prep", "--conf", prepConf(run, input, output).toString(), "--set", "shardCount=4");

        assertEquals(0, r.exitCode(), r.describe());
        assertTrue(r.stdoutLines().contains("prepared 40 samples from 40 input files into " + output), r.describe());
        assertTrue(input.root().startsWith("hdfs://127.0.0.1:"), input.root());
        DatasetAssertions.assertSyntheticDataset(output, input.root(), SyntheticExpectations.of(SYNTH, SplitSpec.DEFAULT));
        DatasetAssertions.assertBothExecutorsWorked(r.eventLog(), cluster);
    }

    /** The job configuration as a file, the way users pass it (JSON is HOCON too). */
    static Path prepConf(Path run, PairedFolders input, String output) throws Exception {
        PrepConfig config = PrepConfig.builder().input(input).output(output)
                .classes(SyntheticDatasetGenerator.classTable()).shardCount(8).build();
        Path file = run.resolve("prep.conf");
        Files.writeString(file, config.toJson());
        return file;
    }
}
