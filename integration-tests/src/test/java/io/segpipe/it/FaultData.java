package io.segpipe.it;

import io.segpipe.it.fixture.ItEnv;
import io.segpipe.prep.job.PrepConfig;
import io.segpipe.prep.job.PrepJob;
import io.segpipe.prep.layout.PairedFolders;
import io.segpipe.prep.synth.SyntheticDatasetGenerator;
import io.segpipe.prep.testkit.LocalSpark;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The prepared synthetic dataset the fault tests train on, made once per test JVM with local Spark
 * in the test JVM (prep on the cluster is covered elsewhere; these tests are about what happens to
 * training and retraining when processes die).
 */
final class FaultData {
    private static String dataset;

    private FaultData() {
    }

    static synchronized String dataset() {
        if (dataset == null) {
            Path dir = ItEnv.newDir("fault-data");
            try {
                PairedFolders input = SyntheticDatasetGenerator.generate(PipelineConfigs.SYNTH, dir.resolve("input").toString(),
                        new Configuration());
                dataset = PrepJob.run(PrepConfig.builder().input(input).output(dir.resolve("dataset").toString())
                        .classes(SyntheticDatasetGenerator.classTable()).shardCount(4).build(), LocalSpark.session()).output();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dataset;
    }
}
