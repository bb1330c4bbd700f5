package io.segpipe.jobs.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.jobs.eval.EvalFixtures;
import io.segpipe.prep.synth.SyntheticDatasetGenerator;
import io.segpipe.prep.testkit.LocalSpark;

/**
 * An output or masks folder that is, is inside or contains the input, the model, or the other
 * output is refused before anything is touched, with one message naming both paths.
 */
@ExtendWith(LocalSpark.class)
class ScorePlacementTest {

    @TempDir
    static Path shared;
    static Path root;
    static Path in;
    static Path model;
    static Path data;
    static Path dataRoot;
    static SparkSession spark;

    @BeforeAll
    static void setUp() throws IOException {
        spark = LocalSpark.session();
        root = shared.toRealPath();
        model = Path.of(ScoreFixtures.model(root.resolve("model")).replaceFirst("^file:", ""));
        in = ScoreFixtures.folder(root.resolve("work/in"), 2);
        dataRoot = root.resolve("data");
        data = Path.of(EvalFixtures.syntheticDataset(spark, dataRoot, 4, 36));
    }

    private static String refusal(String role, Path path, String relation, String otherRole, Path other) {
        return role + " file:" + path + " " + relation + " " + otherRole + " file:" + other + ": writing " + role
                + " there would overwrite " + otherRole + " files (and overwrite would delete them); choose another "
                + role + " path, apart from file:" + other;
    }

    private static ScoreConfig.Builder images(String images) {
        return ScoreConfig.builder().model(model.toString()).images(images);
    }

    private static ScoreConfig.Builder dataset() {
        return ScoreConfig.builder().model(model.toString()).data(data.toString());
    }

    /** Runs {@code config}, expects {@code message}, and checks that nothing under the test folder changed. */
    private static void assertRefused(ScoreConfig config, String message) {
        Map<String, String> before = ScoreFixtures.snapshot(root);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScoreJob.run(config, spark));
        assertEquals(message, e.getMessage());
        assertEquals(before, ScoreFixtures.snapshot(root), "nothing written, moved or deleted, no lock file");
        assertEquals(List.of(), directories(), "no folder created");
    }

    private static List<Path> directories() {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isDirectory).filter(d -> {
                String n = d.getFileName().toString();
                return n.equals("scores") || n.equals("masks") || n.startsWith(".");
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void anOutputOrMasksOverlappingTheImagesFolderIsRefused() {
        assertRefused(images(in.toString()).output(in.toString()).build(),
                refusal("output", in, "is the same folder as", "images", in));
        assertRefused(images(in.toString()).output(in.resolve("scores").toString()).build(),
                refusal("output", in.resolve("scores"), "is inside", "images", in));
        assertRefused(images(in.toString()).output(in.resolve("scores").toString()).resume(true).build(),
                refusal("output", in.resolve("scores"), "is inside", "images", in));
        // overwrite would replace the folder holding the images
        assertRefused(images(in.toString()).output(root.resolve("work").toString()).overwrite(true).build(),
                refusal("output", root.resolve("work"), "contains", "images", in));
        // a glob's fixed leading folder is the input
        assertRefused(images(in + "/*.png").output(root.resolve("elsewhere/scores").toString())
                        .masks(in.resolve("masks").toString()).build(),
                refusal("masks", in.resolve("masks"), "is inside", "images", in));
    }

    @Test
    void outputAndMasksMustBeApartFromEachOther() {
        Path out = root.resolve("o/scores");
        assertRefused(images(in.toString()).output(out.toString()).masks(out.toString()).build(),
                refusal("masks", out, "is the same folder as", "output", out));
        assertRefused(images(in.toString()).output(out.toString()).masks(out.resolve("masks").toString()).build(),
                refusal("masks", out.resolve("masks"), "is inside", "output", out));
        assertRefused(images(in.toString()).output(root.resolve("o/masks/scores").toString())
                        .masks(root.resolve("o/masks").toString()).build(),
                refusal("masks", root.resolve("o/masks"), "contains", "output", root.resolve("o/masks/scores")));
    }

    @Test
    void anOutputOrMasksOverlappingTheModelOrThePreparedDatasetIsRefused() {
        assertRefused(images(in.toString()).output(model.resolve("scores").toString()).build(),
                refusal("output", model.resolve("scores"), "is inside", "model", model));
        assertRefused(dataset().output(data.toString()).overwrite(true).build(),
                refusal("output", data, "is the same folder as", "dataset", data));
        assertRefused(dataset().output(data.resolve("scores").toString()).build(),
                refusal("output", data.resolve("scores"), "is inside", "dataset", data));
        assertRefused(dataset().output(dataRoot.toString()).overwrite(true).build(),
                refusal("output", dataRoot, "contains", "dataset", data));
        // the images the dataset was prepared from
        Path sourceImages = dataRoot.resolve("raw").resolve(SyntheticDatasetGenerator.IMAGES);
        assertRefused(dataset().output(root.resolve("o2/scores").toString()).masks(sourceImages.toString())
                        .overwrite(true).build(),
                refusal("masks", sourceImages, "is the same folder as", DatasetSources.ROLE, sourceImages));
    }

    @Test
    void aFileSystemRootIsRefused() {
        Map<String, String> before = ScoreFixtures.snapshot(root);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScoreJob.run(
                images(in.toString()).output(root.resolve("o3/scores").toString()).masks("/").overwrite(true).build(),
                spark));
        assertEquals("masks file:/ is the root of its file system; choose a folder below it (overwrite replaces the "
                + "whole masks)", e.getMessage());
        assertEquals(before, ScoreFixtures.snapshot(root));
    }

    @Test
    void aPathThroughASymbolicLinkIsComparedAsTheFolderItLeadsTo() throws IOException {
        Path link = Files.createSymbolicLink(root.resolve("work/link"), in);
        try {
            assertRefused(images(in.toString()).output(link.resolve("scores").toString()).build(),
                    refusal("output", in.resolve("scores"), "is inside", "images", in));
        } finally {
            Files.delete(link);
        }
    }
}
