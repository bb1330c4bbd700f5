package io.segpipe.jobs.retrain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

import io.segpipe.jobs.data.AugmentConfig;
import io.segpipe.jobs.train.ClassWeighting;
import io.segpipe.jobs.train.MasterConfig;
import io.segpipe.jobs.train.OptimizerConfig;
import io.segpipe.jobs.train.TrainConfig;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.job.PrepConfig;
import io.segpipe.prep.job.PrepJob;
import io.segpipe.prep.layout.PairedFolders;
import io.segpipe.prep.synth.SyntheticDatasetGenerator;
import io.segpipe.prep.testkit.LocalSpark;
import io.segpipe.prep.testkit.TinyDatasets;

/** Tiny synthetic datasets and a one-epoch training configuration for retraining tests. */
final class RetrainFixtures {
    static final int SIZE = 32;

    private RetrainFixtures() {
    }

    /** Prepares {@code samples} synthetic 32x32 images (4 classes) at {@code out}, replacing what is there. */
    static String prepare(Path work, String out, int samples, long seed) {
        try {
            PairedFolders input = TinyDatasets.synthetic(work.resolve("synth-" + samples + "-" + seed), samples, SIZE,
                    seed);
            return PrepJob.run(PrepConfig.builder().input(input).output(out)
                    .classes(SyntheticDatasetGenerator.classTable()).shardCount(2).overwrite(true).build(),
                    LocalSpark.session()).output();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A tiny U-Net on 32x32 crops. */
    /** A retraining configuration over a fresh 32-sample dataset and a registry, both under {@code tmp}. */
    static RetrainConfig config(Path tmp) {
        String dataset = prepare(tmp, tmp.resolve("prepped").toString(), 32, 5);
        return RetrainConfig.builder().registry(tmp.resolve("registry").toString()).dataset(dataset).train(train())
                .build();
    }

    static SegmentationSpec spec() {
        return SegmentationSpec.builder(Architecture.UNET, 4).depth(2).widthMultiplier(0.125).inputSize(SIZE, SIZE)
                .build();
    }

    /** One epoch, no validation and no checkpoints; dataset and output are placeholders retraining replaces. */
    static TrainConfig train() {
        return TrainConfig.builder().dataset("replaced-by-retrain").output("replaced-by-retrain").model(spec())
                .classWeights(ClassWeighting.NONE).valSplit("").checkpointEvery(0)
                .augment(AugmentConfig.builder().scaleMin(1.0).scaleMax(1.0).build())
                .optimizer(OptimizerConfig.builder().learningRate(1e-2).schedule(OptimizerConfig.Schedule.CONSTANT)
                        .build())
                .master(MasterConfig.builder().workers(2).batchSizePerWorker(4).averagingFrequency(2).build())
                .epochs(1).seed(11).build();
    }
}
