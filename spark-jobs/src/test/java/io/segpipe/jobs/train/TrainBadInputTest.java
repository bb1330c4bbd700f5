package io.segpipe.jobs.train;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.schema.DatasetManifest;
import io.segpipe.prep.testkit.LocalSpark;

/** Every bad input ends with one clear message before any training (no model, no checkpoint is written). */
@ExtendWith(LocalSpark.class)
class TrainBadInputTest {
    @TempDir
    static Path tmp;
    static Path dataset;

    @BeforeAll
    static void data() {
        dataset = Path.of(URI.create(TrainFixtures.dataset()));
    }

    /** A copy of the fixture dataset whose manifest.json is edited by {@code edit}. */
    static String copyWithManifest(String name, java.util.function.UnaryOperator<String> edit) throws IOException {
        Path copy = tmp.resolve(name);
        try (Stream<Path> files = Files.walk(dataset)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = copy.resolve(dataset.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().equals("." + DatasetManifest.FILE_NAME + ".crc")) {
                    Files.copy(p, target);
                }
            }
        }
        Path manifest = copy.resolve(DatasetManifest.FILE_NAME);
        Files.writeString(manifest, edit.apply(Files.readString(manifest)));
        return copy.toString();
    }

    static void fails(Class<? extends Exception> type, String expected, Path out, Executable run) {
        Exception e = assertThrows(type, run);
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
        assertFalse(Files.exists(out.resolve("model")), "no model written");
    }

    @Test
    void wrongSchemaVersion() throws IOException {
        String bad = copyWithManifest("v99", m -> m.replaceFirst("\"schemaVersion\" : 1", "\"schemaVersion\" : 99"));
        Path out = tmp.resolve("o1");
        fails(IllegalArgumentException.class, "has schema version 99", out,
                () -> TrainJob.run(TrainFixtures.config(out).dataset(bad).build(), LocalSpark.session()));
    }

    @Test
    void aCropLargerThanAnyTrainImageCanBe() {
        // 32x32 images at scaleMax 1.25 are at most 40x40, which a depth-2 U-Net takes as it is
        Path out = tmp.resolve("crop");
        SegmentationSpec tall = TrainFixtures.spec().toBuilder().inputSize(44, 32).build();
        fails(IllegalArgumentException.class, dataset.getFileName() + " (split train) can be: the largest is 32x32, 32x32"
                + " at inputScale 1.0 and 40x40 at augment.scaleMax 1.25, which UNET takes as 40x40; every crop would be"
                + " mostly ignore-label padding. Use a crop of at most 40x40, or a larger inputScale", out,
                () -> TrainJob.run(TrainFixtures.config(out).model(tall).build(), LocalSpark.session()));
        fails(IllegalArgumentException.class, "model.inputHeight x model.inputWidth (the training crop, 44x32) is larger"
                + " than the train images of dataset ", out,
                () -> TrainJob.run(TrainFixtures.config(out).model(tall).build(), LocalSpark.session()));
    }

    @Test
    void classCountMismatch() {
        Path out = tmp.resolve("o2");
        SegmentationSpec five = TrainFixtures.spec().toBuilder().numClasses(5).build();
        fails(IllegalArgumentException.class, "class count mismatch: the model (model.numClasses) predicts 5 classes", out,
                () -> TrainJob.run(TrainFixtures.config(out).model(five).build(), LocalSpark.session()));
    }

    @Test
    void emptyAndMissingSplits() throws IOException {
        Path out = tmp.resolve("o3");
        fails(IllegalArgumentException.class, "valSplit test: dataset", out,
                () -> TrainJob.run(TrainFixtures.config(out).valSplit("test").build(), LocalSpark.session()));
        String empty = copyWithManifest("emptyval", m -> m.replaceFirst("(\"val\" : \\{\\s*\"samples\" : )\\d+", "$10"));
        fails(IllegalArgumentException.class, "empty input: valSplit val", out,
                () -> TrainJob.run(TrainFixtures.config(out).dataset(empty).build(), LocalSpark.session()));
    }

    @Test
    void missingDataset() {
        Path out = tmp.resolve("o4");
        fails(IOException.class, "no complete segpipe dataset", out, () -> TrainJob.run(
                TrainFixtures.config(out).dataset(tmp.resolve("nothing").toString()).build(), LocalSpark.session()));
    }

    @Test
    void ignoreLabelDisagreement() {
        Path out = tmp.resolve("o5");
        SegmentationSpec spec = TrainFixtures.spec().toBuilder()
                .loss(new SegmentationSpec.LossSpec(null, 11, 0)).build();
        fails(IllegalArgumentException.class, "model.loss.ignoreLabel is 11 but dataset", out,
                () -> TrainJob.run(TrainFixtures.config(out).model(spec).build(), LocalSpark.session()));
    }

    @Test
    void channelMismatch() {
        Path out = tmp.resolve("o6");
        SegmentationSpec grey = TrainFixtures.spec().toBuilder().inputChannels(1).build();
        fails(IllegalArgumentException.class, "with 3 channel(s)", out,
                () -> TrainJob.run(TrainFixtures.config(out).model(grey).build(), LocalSpark.session()));
    }

    @Test
    void existingOutputWithoutOverwrite() throws IOException {
        Path out = tmp.resolve("o7");
        Files.createDirectories(out.resolve("model"));
        Exception e = assertThrows(IOException.class,
                () -> TrainJob.run(TrainFixtures.config(out).build(), LocalSpark.session()));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    }

    @Test
    void unreadableAndIncompleteCheckpoints() throws IOException {
        Path out = tmp.resolve("o8");
        Path ckpt = tmp.resolve("o8-ckpt");
        Path epoch = Files.createDirectories(ckpt.resolve("epoch-00001"));
        Files.writeString(epoch.resolve("state.json"), "{ not json");
        Files.writeString(epoch.resolve("model.zip"), "PK");
        fails(IOException.class, "checkpoint " , out, () -> TrainJob.run(
                TrainFixtures.config(out).checkpointDir(ckpt.toString()).resume(true).build(), LocalSpark.session()));
        Exception unreadable = assertThrows(IOException.class, () -> TrainJob.run(
                TrainFixtures.config(out).checkpointDir(ckpt.toString()).resume(true).build(), LocalSpark.session()));
        assertTrue(unreadable.getMessage().contains("is unreadable: state.json"), unreadable.getMessage());
        assertTrue(unreadable.getMessage().contains("epoch-00001"), unreadable.getMessage());

        Files.delete(epoch.resolve("model.zip"));
        Exception incomplete = assertThrows(IOException.class, () -> TrainJob.run(
                TrainFixtures.config(out).checkpointDir(ckpt.toString()).resume(true).build(), LocalSpark.session()));
        assertTrue(incomplete.getMessage().contains("is incomplete: model.zip is missing"), incomplete.getMessage());

        Exception other = assertThrows(IllegalArgumentException.class, () -> TrainJob.run(
                TrainFixtures.config(out).checkpointDir(ckpt.toString()).build(), LocalSpark.session()));
        assertTrue(other.getMessage().contains("holds checkpoints of an earlier run"), other.getMessage());
        assertFalse(Files.exists(out.resolve("model")));
    }
}
