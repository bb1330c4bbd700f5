package io.segpipe.jobs.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.jobs.infer.LoadedModel;
import io.segpipe.jobs.infer.ModelBroadcast;
import io.segpipe.prep.fs.CompletionMarker;
import io.segpipe.prep.fs.SerializableHadoopConf;
import io.segpipe.prep.job.PrepConfig;
import io.segpipe.prep.job.PrepJob;
import io.segpipe.prep.layout.ManifestCsv;
import io.segpipe.prep.schema.ClassTable;
import io.segpipe.prep.testkit.LocalSpark;
import io.segpipe.prep.testkit.TinyDatasets;

/**
 * Masks land inside the masks folder under their mapped names for every id form, source files
 * stay untouched, and no two ids share a mask.
 */
@ExtendWith(LocalSpark.class)
class ScoreUnsafeIdsTest {

    @TempDir
    static Path shared;
    static String model;
    static SparkSession spark;

    @BeforeAll
    static void setUp() {
        spark = LocalSpark.session();
        model = ScoreFixtures.model(shared.resolve("model"));
    }

    /** The executor side on rows carrying their bytes, as a prepared dataset gives them, for every id form. */
    @Test
    void everyIdFormLandsInsideTheMasksFolderUnderItsOwnName(@TempDir Path tmp) throws Exception {
        List<String> ids = ScoreIdForms.all(tmp.toString());
        // bait: files where a mask named after the id used to land
        TinyDatasets.write(tmp.resolve("src/0001.png"), "source image 1".getBytes(StandardCharsets.UTF_8));
        TinyDatasets.write(tmp.resolve("src/0002.png"), "source image 2".getBytes(StandardCharsets.UTF_8));
        TinyDatasets.write(tmp.resolve("abs/x.png"), "absolute".getBytes(StandardCharsets.UTF_8));
        TinyDatasets.write(tmp.resolve("x.png"), "parent".getBytes(StandardCharsets.UTF_8));
        Map<String, String> before = ScoreFixtures.snapshot(tmp);
        Path out = tmp.resolve("run/out");
        Path masks = tmp.resolve("run/masks");

        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            rows.add(new GenericRowWithSchema(new Object[] {ids.get(i), null, TinyDatasets.noisyRgbPng(20, 28, i)},
                    ScoreInput.SCHEMA));
        }
        // the scorer takes a configuration whose settings are resolved, as ScoreJob hands it one
        ScoreConfig config = ScoreConfig.builder().model(model).images("unused").output(out.toString())
                .normalization(io.segpipe.prep.reader.Normalization.UNIT).inputScale(1.0)
                .inference(io.segpipe.jobs.infer.InferenceConfig.DEFAULT).build();
        LoadedModel loaded = LoadedModel.read(model, new Configuration());
        ModelBroadcast broadcast = ModelBroadcast.of(JavaSparkContext.fromSparkContext(spark.sparkContext()), loaded);
        try {
            PartitionScorer scorer = new PartitionScorer(broadcast, config, FolderInput.defaultClasses(4),
                    new SerializableHadoopConf(new Configuration()), out.toUri().toString(), masks.toUri().toString(),
                    "r1", 1);
            Iterator<ScoreSummary> summary = scorer.score(0, rows.iterator());
            assertEquals(ids.size(), summary.next().scored);
        } finally {
            broadcast.destroy();
        }

        Map<String, String> maskOf = ScoreFixtures.maskFiles(spark, out);
        assertEquals(new HashSet<>(ids), maskOf.keySet(), "every id once in the scores, exactly as given");
        Set<String> expected = new HashSet<>();
        for (String id : ids) {
            assertEquals(MaskNames.of(id), maskOf.get(id));
            assertTrue(Files.isRegularFile(masks.resolve(maskOf.get(id))), id);
            expected.add(maskOf.get(id));
        }
        assertEquals(ids.size(), expected.size(), "no two ids share a mask");
        assertEquals(expected, new HashSet<>(ScoreFixtures.names(masks)), "nothing else in the masks folder, no sub-folder");
        Map<String, String> after = ScoreFixtures.snapshot(tmp);
        after.keySet().removeIf(f -> f.startsWith("run/"));
        assertEquals(before, after, "no file outside the output and the masks folder was written or changed");
        assertFalse(Files.exists(Path.of("/etc/passwd.png")));
    }

    /** File names a folder can hold that Hadoop's Path misreads, case twins and names that collapse to one prefix. */
    @Test
    void aFolderWithColonsBackslashesControlCharactersCaseTwinsAndLongPaths(@TempDir Path tmp) throws Exception {
        Path in = tmp.resolve("in");
        List<String> ids = List.of("10:00:01.png", "a:b.png", "a b.png", "a_b.png", "back\\slash.png", "bell\u0007.png",
                "Img.png", "img.png", ("d".repeat(200) + "/").repeat(5) + "deep.png");
        for (int i = 0; i < ids.size(); i++) {
            TinyDatasets.write(in.resolve(ids.get(i)), TinyDatasets.noisyRgbPng(20, 28, i));
        }
        Map<String, String> input = ScoreFixtures.snapshot(in);
        Path out = tmp.resolve("scores");
        Path masks = tmp.resolve("masks");
        ScoreResult r = ScoreJob.run(ScoreConfig.builder().model(model).images(in.toString()).output(out.toString())
                .masks(masks.toString()).build(), spark);

        assertEquals(ids.size(), r.scored());
        Map<String, String> maskOf = ScoreFixtures.maskFiles(spark, out);
        assertEquals(new HashSet<>(ids), maskOf.keySet());
        Set<String> expected = new HashSet<>();
        for (String id : ids) {
            assertEquals(MaskNames.of(id), maskOf.get(id));
            expected.add(maskOf.get(id));
        }
        assertEquals(ids.size(), expected.size(), "no two ids share a mask");
        expected.add(CompletionMarker.FILE_NAME);
        assertEquals(expected, new HashSet<>(ScoreFixtures.names(masks)));
        assertEquals(input, ScoreFixtures.snapshot(in), "input untouched");
    }

    /**
     * A manifest CSV names its images by scheme-qualified, absolute and relative paths, which become
     * the ids: the masks used to overwrite the source images. Now they stay in the masks folder, and
     * the source folders the CSV lists cannot be chosen as output or masks.
     */
    @Test
    void manifestCsvIdsThatAreImagePathsNeverReachTheSourceImages(@TempDir Path tmp) throws Exception {
        for (int i = 1; i <= 3; i++) {
            TinyDatasets.write(tmp.resolve("src/img/000" + i + ".png"), TinyDatasets.noisyRgbPng(20, 28, i));
            TinyDatasets.write(tmp.resolve("src/lbl/000" + i + ".png"), TinyDatasets.constantGreyPng(20, 28, i));
        }
        String csv = "image,label,split\n"
                + "file:" + tmp + "/src/img/0001.png,file:" + tmp + "/src/lbl/0001.png,val\n"
                + tmp + "/src/img/0002.png," + tmp + "/src/lbl/0002.png,val\n"
                + "../src/img/0003.png,../src/lbl/0003.png,val\n";
        TinyDatasets.write(tmp.resolve("csv/pairs.csv"), csv.getBytes(StandardCharsets.UTF_8));
        String data = tmp.resolve("prepared").toString();
        PrepJob.run(PrepConfig.builder().input(new ManifestCsv(tmp.resolve("csv/pairs.csv").toString())).output(data)
                .classes(ClassTable.of(255, "a", "b", "c", "d")).build(), spark);
        Map<String, String> sources = ScoreFixtures.snapshot(tmp.resolve("src"));

        Path out = tmp.resolve("scores");
        Path masks = tmp.resolve("masks");
        ScoreResult r = ScoreJob.run(ScoreConfig.builder().model(model).data(data).output(out.toString())
                .masks(masks.toString()).build(), spark);
        assertEquals(3, r.scored());
        Map<String, String> maskOf = ScoreFixtures.maskFiles(spark, out);
        assertEquals(Set.of("file:" + tmp + "/src/img/0001", tmp + "/src/img/0002", "../src/img/0003"), maskOf.keySet());
        for (Map.Entry<String, String> e : maskOf.entrySet()) {
            assertEquals(MaskNames.of(e.getKey()), e.getValue());
            assertTrue(Files.isRegularFile(masks.resolve(e.getValue())), e.getKey());
        }
        assertEquals(sources, ScoreFixtures.snapshot(tmp.resolve("src")), "source images and labels untouched");

        IllegalArgumentException intoSources = assertThrows(IllegalArgumentException.class, () -> ScoreJob.run(
                ScoreConfig.builder().model(model).data(data).output(tmp.resolve("scores2").toString())
                        .masks(tmp.resolve("src/img").toString()).build(), spark));
        assertEquals("masks file:" + tmp + "/src/img is the same folder as dataset source file:" + tmp + "/src/img: "
                + "writing masks there would overwrite dataset source files (and overwrite would delete them); choose "
                + "another masks path, apart from file:" + tmp + "/src/img", intoSources.getMessage());
        assertFalse(Files.exists(tmp.resolve("scores2")));
        assertEquals(sources, ScoreFixtures.snapshot(tmp.resolve("src")));
    }
}
