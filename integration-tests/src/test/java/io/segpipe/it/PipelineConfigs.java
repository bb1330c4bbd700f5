package io.segpipe.it;

import io.segpipe.jobs.data.AugmentConfig;
import io.segpipe.jobs.train.ClassWeighting;
import io.segpipe.jobs.train.MasterConfig;
import io.segpipe.jobs.train.OptimizerConfig;
import io.segpipe.jobs.train.TrainConfig;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.synth.SyntheticConfig;
import io.segpipe.prep.synth.SyntheticDatasetGenerator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segpipe.it.fixture.MiniHdfs;
import io.segpipe.prep.Json;
import io.segpipe.prep.fs.AtomicFs;
import org.apache.hadoop.fs.FileSystem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The small, fast settings the pipeline ITs train with, written as the configuration files users pass. */
final class PipelineConfigs {
    /** 256 synthetic 32x32 images, split about 80/20 by hash: two epochs are enough steps to learn the shapes. */
    static final SyntheticConfig SYNTH = SyntheticConfig.DEFAULT.withSamples(256).withSize(32, 32).withSeed(5);

    private PipelineConfigs() {
    }

    /**
     * A small U-Net (depth 2, 8 base filters) trained with parameter averaging on both executors
     * (2 workers x batch 4, averaging every 2 minibatches), Adam 1e-2, unweighted loss.
     */
    static TrainConfig.Builder train(String dataset, String output, int epochs) {
        SegmentationSpec spec = SegmentationSpec.builder(Architecture.UNET, SyntheticDatasetGenerator.classTable().numClasses())
                .depth(2).widthMultiplier(0.125).inputSize(SYNTH.height(), SYNTH.width()).build();
        return TrainConfig.builder().dataset(dataset).output(output).model(spec).classWeights(ClassWeighting.NONE)
                .augment(AugmentConfig.builder().scaleMin(0.75).scaleMax(1.25).build())
                .optimizer(OptimizerConfig.builder().learningRate(1e-2).schedule(OptimizerConfig.Schedule.CONSTANT).build())
                .master(MasterConfig.builder().mode(MasterConfig.Mode.PARAMETER_AVERAGING).workers(2).batchSizePerWorker(4)
                        .averagingFrequency(2).build())
                .epochs(epochs).checkpointEvery(1).keepCheckpoints(3).seed(11);
    }

    /** Writes {@code json} to {@code dir/name} and returns the path as a string. */
    static String write(Path dir, String name, String json) {
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(name);
            Files.writeString(file, json);
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes {@code json} (a config record's JSON) to HDFS under {@code dir} as users split a
     * configuration: {@code <name>.conf} includes {@code <name>-base.json} (everything but
     * {@code key}) and, under {@code key}, {@code parts/<key>.json}, both relative to itself.
     *
     * @return the URL of {@code <name>.conf}, for {@code --conf}
     */
    static String putWithInclude(MiniHdfs hdfs, String dir, String name, String json, String key) {
        try (FileSystem fs = hdfs.fileSystem()) {
            ObjectNode base = (ObjectNode) Json.mapper().readTree(json);
            JsonNode part = base.remove(key);
            if (part == null) {
                throw new IllegalArgumentException("no key " + key + " in " + json);
            }
            put(fs, dir + "/" + name + "-base.json", Json.write(base));
            put(fs, dir + "/parts/" + key + ".json", Json.write(part));
            return put(fs, dir + "/" + name + ".conf", "include \"" + name + "-base.json\"\n"
                    + key + " { include required(\"parts/" + key + ".json\") }\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String put(FileSystem fs, String url, String text) throws IOException {
        AtomicFs.writeString(fs, new org.apache.hadoop.fs.Path(url), text, true);
        return url;
    }

    /** {@code key="value"} for {@code --set}, in HOCON's quoted form (the cluster-mode ITs pass values unquoted). */
    static String set(String key, String value) {
        return key + "=\"" + value + "\"";
    }
}
