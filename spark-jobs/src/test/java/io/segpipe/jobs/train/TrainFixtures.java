package io.segpipe.jobs.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.segpipe.jobs.data.AugmentConfig;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.job.PrepConfig;
import io.segpipe.prep.job.PrepJob;
import io.segpipe.prep.layout.PairedFolders;
import io.segpipe.prep.synth.SyntheticDatasetGenerator;
import io.segpipe.prep.testkit.LocalSpark;
import io.segpipe.prep.testkit.TinyDatasets;

/** A prepared synthetic dataset shared by the training tests of one JVM, and tiny training configs. */
final class TrainFixtures {
    static final int SIZE = 32;
    static final int SAMPLES = 48;
    private static Path root;
    private static String dataset;

    private TrainFixtures() {
    }

    /** 48 synthetic 32x32 images (4 classes, ignore 255), split about 80/20 by hash, prepared once per JVM. */
    static synchronized String dataset() {
        if (dataset == null) {
            try {
                root = Files.createTempDirectory("segpipe-train-fixture");
                PairedFolders input = TinyDatasets.synthetic(root.resolve("synth"), SAMPLES, SIZE, 5);
                dataset = PrepJob.run(PrepConfig.builder().input(input).output(root.resolve("prepped").toString())
                        .classes(SyntheticDatasetGenerator.classTable()).shardCount(2).build(), LocalSpark.session())
                        .output();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dataset;
    }

    /** A small U-Net (depth 2, 8 base filters) on 32x32 crops. */
    static SegmentationSpec spec() {
        return SegmentationSpec.builder(Architecture.UNET, 4).depth(2).widthMultiplier(0.125).inputSize(SIZE, SIZE).build();
    }

    /** A fast configuration writing to {@code out}: Adam 1e-2, 2 workers x 4, averaging every 2, light augmentation. */
    static TrainConfig.Builder config(Path out) {
        return TrainConfig.builder().dataset(dataset()).output(out.resolve("model").toString()).model(spec())
                .classWeights(ClassWeighting.NONE)
                .augment(AugmentConfig.builder().scaleMin(0.75).scaleMax(1.25).build())
                .optimizer(OptimizerConfig.builder().learningRate(1e-2).schedule(OptimizerConfig.Schedule.CONSTANT).build())
                .master(MasterConfig.builder().workers(2).batchSizePerWorker(4).averagingFrequency(2).build())
                .epochs(3).seed(11);
    }
}
