package io.segpipe.jobs.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.segpipe.jobs.data.AugmentConfig;
import io.segpipe.jobs.train.ClassWeighting;
import io.segpipe.jobs.train.MasterConfig;
import io.segpipe.jobs.train.OptimizerConfig;
import io.segpipe.jobs.train.TrainConfig;
import io.segpipe.jobs.train.TrainJob;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.job.PrepConfig;
import io.segpipe.prep.job.PrepJob;
import io.segpipe.prep.layout.PairedFolders;
import io.segpipe.prep.reader.Normalization;
import io.segpipe.prep.synth.SyntheticDatasetGenerator;
import io.segpipe.prep.testkit.LocalSpark;
import io.segpipe.prep.testkit.TinyDatasets;

/**
 * A model trained the way the shipped CamVid model is, at half the stored resolution, and with a
 * normalisation other than the default (ImageNet's), by the real training job, once per JVM; and
 * the synthetic dataset (32x32 RGB, 4 classes, splits train and val) it was trained on. The tests
 * of evaluation, scoring and the registry apply it with and without explicit settings.
 */
public final class ScaledModelFixture {
    public static final int SIZE = 32;
    public static final double INPUT_SCALE = 0.5;
    public static final Normalization NORMALIZATION = Normalization.IMAGENET;
    public static final int VAL_BATCH_SIZE = 2;

    private static Path root;
    private static String dataset;
    private static String model;

    private ScaledModelFixture() {
    }

    /** The prepared dataset: 24 synthetic images, split train/val by hash. */
    public static synchronized String dataset() {
        if (dataset == null) {
            try {
                PairedFolders input = TinyDatasets.synthetic(root().resolve("synth"), 24, SIZE, 7);
                dataset = PrepJob.run(PrepConfig.builder().input(input).output(root().resolve("prepped").toString())
                        .classes(SyntheticDatasetGenerator.classTable()).shardCount(2).build(), LocalSpark.session())
                        .output();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dataset;
    }

    /** The model directory: one epoch of a tiny U-Net on 16x16 crops of the half-size images. */
    public static synchronized String model() {
        if (model == null) {
            try {
                model = TrainJob.run(config(root().resolve("model").toString()).build(), LocalSpark.session()).output();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return model;
    }

    /** The training configuration of {@link #model()}, writing to {@code output}. */
    public static TrainConfig.Builder config(String output) {
        SegmentationSpec spec = SegmentationSpec.builder(Architecture.UNET, 4).depth(2).widthMultiplier(0.125)
                .inputSize(SIZE / 2, SIZE / 2).build();
        return TrainConfig.builder().dataset(dataset()).output(output).model(spec)
                .classWeights(ClassWeighting.NONE).normalization(NORMALIZATION).inputScale(INPUT_SCALE)
                .augment(AugmentConfig.builder().scaleMin(1.0).scaleMax(1.0).build())
                .optimizer(OptimizerConfig.builder().learningRate(1e-2).schedule(OptimizerConfig.Schedule.CONSTANT)
                        .build())
                .master(MasterConfig.builder().workers(2).batchSizePerWorker(4).averagingFrequency(2).build())
                .epochs(1).valBatchSize(VAL_BATCH_SIZE).checkpointEvery(0).seed(11);
    }

    private static Path root() throws IOException {
        if (root == null) {
            root = Files.createTempDirectory("segpipe-scaled-model");
        }
        return root;
    }
}
