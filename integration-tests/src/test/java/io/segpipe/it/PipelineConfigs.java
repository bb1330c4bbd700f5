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

    /** {@code key="value"} for {@code --set}: quoted, since "//" starts a HOCON comment. */
    static String set(String key, String value) {
        return key + "=\"" + value + "\"";
    }
}
