package io.segpipe.it;

import io.segpipe.it.fixture.ItEnv;
import io.segpipe.it.fixture.SharedFixtures;
import io.segpipe.it.fixture.SparkSubmission;
import io.segpipe.prep.job.LabelFormat;
import io.segpipe.prep.job.PrepConfig;
import io.segpipe.prep.layout.PairedFolders;
import io.segpipe.prep.reader.PreppedDataset;
import io.segpipe.prep.schema.ClassInfo;
import io.segpipe.prep.schema.ClassTable;
import io.segpipe.prep.schema.QuarantineEntry;
import io.segpipe.prep.schema.Rgb;
import io.segpipe.prep.schema.ShardSchema;
import io.segpipe.prep.testkit.LocalSpark;
import io.segpipe.prep.testkit.TinyDatasets;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A corpus of broken inputs through {@code segpipe prep} on the cluster: every input file is
 * accounted for (in a written row, quarantined with its reason, or the partner of a quarantined
 * file), and each broken file carries the reason expected for it.
 */
@ExtendWith({SharedFixtures.class, LocalSpark.class})
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class BadInputOnClusterIT {
    private static final int S = 32;
    private static final int GOOD = 8;
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(8);

    @AfterEach
    void pruneJars() {
        SharedFixtures.cluster().pruneApplicationJars();
    }

    @Test
    void classIdLabelsEveryBrokenFileIsQuarantinedWithItsReason() throws Exception {
        Path run = ItEnv.newDir("bad-input-ids");
        Path root = run.resolve("input");
        for (int i = 0; i < GOOD; i++) {
            byte[] label = new byte[S * S];
            for (int p = 0; p < label.length; p++) {
                label[p] = (byte) (p % 7 == 6 ? 255 : (p / S + i) % 3);
            }
            TinyDatasets.write(root.resolve("images/good" + i + ".png"), TinyDatasets.noisyRgbPng(S, S, i));
            TinyDatasets.write(root.resolve("labels/good" + i + ".png"), TinyDatasets.greyPng(S, S, label));
        }
        byte[] okImage = TinyDatasets.noisyRgbPng(S, S, 99);
        byte[] okLabel = TinyDatasets.constantGreyPng(S, S, 1);
        Map<String, String> expected = new TreeMap<>();
        put(root, "images/trunc.png", TinyDatasets.truncate(okImage, 0.5), "labels/trunc.png", okLabel,
                expected, "images/trunc.png", "image: corrupt PNG");
        put(root, "images/zero.png", new byte[0], "labels/zero.png", okLabel,
                expected, "images/zero.png", "image: empty file (0 bytes)");
        put(root, "images/notes.png", "meeting notes, not an image\n".getBytes(StandardCharsets.UTF_8),
                "labels/notes.png", okLabel, expected, "images/notes.png", "image: not a PNG or JPEG image");
        put(root, "images/size.png", okImage, "labels/size.png", TinyDatasets.constantGreyPng(16, 16, 1),
                expected, "labels/size.png", "label is 16x16 but image");
        put(root, "images/range.png", okImage, "labels/range.png", TinyDatasets.constantGreyPng(S, S, 9),
                expected, "labels/range.png", "label: label value 9 at (x=0, y=0) is outside the class table");
        TinyDatasets.write(root.resolve("images/lonely_image.png"), okImage);
        expected.put("images/lonely_image.png", "image without label");
        TinyDatasets.write(root.resolve("labels/lonely_label.png"), okLabel);
        expected.put("labels/lonely_label.png", "label without image");

        ClassTable classes = ClassTable.of(255, "a", "b", "c");
        PrepConfig config = PrepConfig.builder().input(PairedFolders.of(root.toString(), "images", "labels"))
                .output(run.resolve("prepped").toString()).classes(classes).shardCount(4).build();
        runAndAccount(run, root, config, expected, GOOD);
    }

    @Test
    void colourCodedLabelsWithAnUnknownColourAreQuarantined() throws Exception {
        Path run = ItEnv.newDir("bad-input-colours");
        Path root = run.resolve("input");
        Rgb[] colours = {new Rgb(128, 64, 128), new Rgb(0, 0, 192), new Rgb(64, 192, 0)};
        Rgb voidColour = new Rgb(0, 0, 0);
        ClassTable classes = new ClassTable(List.of(new ClassInfo(0, "road", colours[0]),
                new ClassInfo(1, "sky", colours[1]), new ClassInfo(2, "tree", colours[2])), 255, "void", voidColour);
        for (int i = 0; i < GOOD; i++) {
            Rgb c = colours[i % 3];
            TinyDatasets.write(root.resolve("images/good" + i + ".png"), TinyDatasets.noisyRgbPng(S, S, i));
            TinyDatasets.write(root.resolve("labels/good" + i + ".png"),
                    i == 0 ? TinyDatasets.constantRgbPng(S, S, 0, 0, 0) : TinyDatasets.constantRgbPng(S, S, c.r(), c.g(), c.b()));
        }
        Map<String, String> expected = new TreeMap<>();
        put(root, "images/odd.png", TinyDatasets.noisyRgbPng(S, S, 77), "labels/odd.png",
                TinyDatasets.constantRgbPng(S, S, 250, 10, 10), expected, "labels/odd.png",
                "label: label colour " + new Rgb(250, 10, 10) + " at (x=0, y=0) is not in the class table; 1024 such pixels");
        put(root, "images/grey.png", TinyDatasets.noisyRgbPng(S, S, 78), "labels/grey.png",
                TinyDatasets.constantGreyPng(S, S, 1), expected, "labels/grey.png",
                "label: label is single-channel; labelFormat COLOURS expects RGB");

        PrepConfig config = PrepConfig.builder().input(PairedFolders.of(root.toString(), "images", "labels"))
                .output(run.resolve("prepped").toString()).classes(classes).labelFormat(LabelFormat.COLOURS)
                .shardCount(4).build();
        runAndAccount(run, root, config, expected, GOOD);
    }

    /**
     * Submits prep (tolerating any bad fraction, set on the command line) and checks the
     * accounting: rows + quarantine entries = pairs + unpaired files, and every file of the input
     * folders is in a row, quarantined with its expected reason, or the partner of a quarantined file.
     */
    private static void runAndAccount(Path run, Path root, PrepConfig config, Map<String, String> expected, int good)
            throws Exception {
        Path conf = run.resolve("prep.conf");
        Files.writeString(conf, config.toJson());
        SparkSubmission.Result r = SparkSubmission.to(SharedFixtures.cluster(), run.resolve("submit"))
                .run(RUN_TIMEOUT, "prep", "--conf", conf.toString(), "--set", "maxBadFraction=1.0");
        assertEquals(0, r.exitCode(), r.describe());

        Set<String> files = relativeFiles(root);
        Set<String> imageStems = stems(files, "images/");
        Set<String> labelStems = stems(files, "labels/");
        Set<String> paired = new TreeSet<>(imageStems);
        paired.retainAll(labelStems);
        int unpaired = imageStems.size() + labelStems.size() - 2 * paired.size();
        int inputs = paired.size() + unpaired;
        assertTrue(r.stdoutLines().contains("prepared " + good + " samples from " + inputs + " input files into "
                + run.resolve("prepped").toUri().toString().replaceAll("/$", "").replace("file:///", "file:/")), r.describe());
        assertTrue(r.stdoutLines().contains("quarantined " + expected.size()
                + " file(s) (listed in the dataset's quarantine; first ones below)"), r.describe());

        String output = run.resolve("prepped").toString();
        List<QuarantineEntry> quarantine = DatasetAssertions.quarantine(output);
        Map<String, String> reasons = new TreeMap<>();
        for (QuarantineEntry q : quarantine) {
            String rel = relative(root, q.path());
            assertEquals(null, reasons.put(rel, q.reason()), "one entry per file: " + rel);
        }
        assertEquals(expected.keySet(), reasons.keySet(), "quarantined files");
        expected.forEach((file, reason) -> assertTrue(reasons.get(file).startsWith(reason),
                file + ": expected a reason starting '" + reason + "', got '" + reasons.get(file) + "'"));
        assertEquals(expected.size(), DatasetAssertions.manifest(output).quarantined(), "manifest quarantined");

        List<Row> rows = PreppedDataset.open(LocalSpark.session(), output).rows()
                .select(ShardSchema.IMAGE_PATH, ShardSchema.LABEL_PATH).collectAsList();
        assertEquals(good, rows.size(), "rows written");
        assertEquals(inputs, rows.size() + quarantine.size(), "rows + quarantine entries = inputs (pairs + unpaired files)");
        Set<String> inRows = new HashSet<>();
        for (Row row : rows) {
            inRows.add(relative(root, row.getString(0)));
            inRows.add(relative(root, row.getString(1)));
        }
        Set<String> quarantinedStems = reasons.keySet().stream().map(BadInputOnClusterIT::stem).collect(Collectors.toSet());
        for (String file : files) {
            boolean written = inRows.contains(file);
            boolean quarantined = reasons.containsKey(file);
            boolean partnerOfQuarantined = !quarantined && quarantinedStems.contains(stem(file));
            assertEquals(1, (written ? 1 : 0) + (quarantined ? 1 : 0) + (partnerOfQuarantined ? 1 : 0),
                    file + ": written " + written + ", quarantined " + quarantined + ", partner of a quarantined file "
                            + partnerOfQuarantined);
        }
        DatasetAssertions.assertBothExecutorsWorked(r.eventLog(), SharedFixtures.cluster());
    }

    private static void put(Path root, String image, byte[] imageBytes, String label, byte[] labelBytes,
                            Map<String, String> expected, String badFile, String reason) {
        TinyDatasets.write(root.resolve(image), imageBytes);
        TinyDatasets.write(root.resolve(label), labelBytes);
        expected.put(badFile, reason);
    }

    private static Set<String> relativeFiles(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static Set<String> stems(Set<String> files, String folder) {
        return files.stream().filter(f -> f.startsWith(folder)).map(BadInputOnClusterIT::stem).collect(Collectors.toSet());
    }

    private static String stem(String file) {
        String name = file.substring(file.lastIndexOf('/') + 1);
        return name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
    }

    private static String relative(Path root, String qualified) {
        return root.relativize(Path.of(URI.create(qualified))).toString();
    }
}
