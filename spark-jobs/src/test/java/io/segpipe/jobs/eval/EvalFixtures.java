package io.segpipe.jobs.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;

import io.segpipe.model.arch.TinySpecs;
import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.job.PrepConfig;
import io.segpipe.prep.job.PrepJob;
import io.segpipe.prep.layout.PairedFolders;
import io.segpipe.prep.schema.ClassTable;
import io.segpipe.prep.synth.SyntheticConfig;
import io.segpipe.prep.synth.SyntheticDatasetGenerator;

/** Tiny prepared datasets and models for the eval and score tests. */
public final class EvalFixtures {

    private EvalFixtures() {
    }

    /** A prepared synthetic dataset (4 classes, ignore 255) of {@code n} {@code size x size} RGB images, all in split "val". */
    public static String syntheticDataset(SparkSession spark, Path dir, int n, int size) {
        try {
            Path raw = dir.resolve("raw");
            SyntheticDatasetGenerator.generate(SyntheticConfig.DEFAULT.withSamples(n).withSize(size, size).withSeed(11),
                    raw.toString(), new Configuration());
            PairedFolders input = new PairedFolders(raw.toString(), List.of(new PairedFolders.FolderPair(
                    SyntheticDatasetGenerator.IMAGES, SyntheticDatasetGenerator.LABELS, "val")));
            String out = dir.resolve("prepared").toString();
            PrepJob.run(PrepConfig.builder().input(input).output(out).classes(SyntheticDatasetGenerator.classTable())
                    .shardCount(2).overwrite(true).build(), spark);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** CamVid val (101 images 360x480, void = 11) prepared from {@code camvid}. */
    public static String camvidVal(SparkSession spark, Path camvid, Path dir) {
        try {
            PairedFolders input = new PairedFolders(camvid.toString(),
                    List.of(new PairedFolders.FolderPair("val", "valannot", "val")));
            String out = dir.resolve("camvid").toString();
            PrepJob.run(PrepConfig.builder().input(input).output(out).classes(ClassTable.camvid()).shardCount(2)
                    .maxBadFraction(0).overwrite(true).build(), spark);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tiny U-Net spec (depth 2, 1/16 width) for {@code numClasses} classes. */
    public static SegmentationSpec tinySpec(int numClasses, int channels) {
        return TinySpecs.builder(Architecture.UNET, numClasses).inputChannels(channels).build();
    }

    /** A freshly initialised tiny model written to {@code dir} as a complete model directory. */
    public static String tinyModel(Path dir, SegmentationSpec spec) {
        Nd4jBackend.init();
        return io.segpipe.jobs.model.ModelFixtures.write(dir.toString(),
                io.segpipe.model.arch.Architectures.create(spec), spec);
    }
}
