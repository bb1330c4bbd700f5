package io.segpipe.prep.job;

import io.segpipe.prep.layout.PairedFolders;
import io.segpipe.prep.reader.PreppedDataset;
import io.segpipe.prep.schema.ClassTable;
import io.segpipe.prep.schema.DatasetManifest;
import io.segpipe.prep.schema.QuarantineEntry;
import io.segpipe.prep.schema.ShardSchema;
import io.segpipe.prep.testkit.LocalSpark;
import io.segpipe.prep.testkit.TinyDatasets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kind of bad input gets its own quarantine reason, and no valid pair is lost. */
@ExtendWith(LocalSpark.class)
class BadInputTest {

    private static final int S = 32;
    private static final ClassTable CLASSES = ClassTable.of(255, "a", "b", "c");
    private static final int GOOD = 8;

    @TempDir
    static Path tmp;
    private static Path root;

    /** Expected reason fragment per bad file (relative to root). */
    private static final Map<String, String> BAD = new TreeMap<>(Map.ofEntries(
            Map.entry("images/zero.png", "image: empty file (0 bytes)"),
            Map.entry("images/text.png", "image: not a PNG or JPEG image"),
            Map.entry("images/trunc.png", "image: corrupt PNG"),
            Map.entry("images/truncjpg.jpg", "image: corrupt JPEG"),
            Map.entry("labels/size.png", "label is 16x16 but image"),
            Map.entry("labels/outside.png", "label: label value 7 at (x=0, y=0) is outside the class table (class ids 0..2, ignore 255); 1024 such pixels"),
            Map.entry("images/orphan_img.png", "image without label"),
            Map.entry("labels/orphan_lab.png", "label without image"),
            Map.entry("images/deep.png", "image: 16-bit samples are not supported"),
            Map.entry("images/rgba.png", "image: RGBA (4 channels) is not supported"),
            Map.entry("labels/rgblabel.png", "label: label is RGB; labelFormat IDS expects"),
            Map.entry("labels/deeplabel.png", "label: 16-bit samples are not supported")));

    @BeforeAll
    static void buildInput() {
        root = tmp.resolve("in");
        for (int i = 0; i < GOOD; i++) {
            byte[] lab = new byte[S * S];
            for (int p = 0; p < lab.length; p++) {
                lab[p] = (byte) (p % 5 == 4 ? 255 : (p + i) % 3);
            }
            TinyDatasets.write(root.resolve("images/good" + i + ".png"), TinyDatasets.noisyRgbPng(S, S, i));
            TinyDatasets.write(root.resolve("labels/good" + i + ".png"), TinyDatasets.greyPng(S, S, lab));
        }
        byte[] okLabel = TinyDatasets.constantGreyPng(S, S, 1);
        byte[] okImage = TinyDatasets.noisyRgbPng(S, S, 99);
        TinyDatasets.write(root.resolve("images/zero.png"), new byte[0]);
        TinyDatasets.write(root.resolve("labels/zero.png"), okLabel);
        TinyDatasets.write(root.resolve("images/text.png"), "just some notes\n".getBytes(StandardCharsets.UTF_8));
        TinyDatasets.write(root.resolve("labels/text.png"), okLabel);
        TinyDatasets.write(root.resolve("images/trunc.png"), TinyDatasets.truncate(okImage, 0.5));
        TinyDatasets.write(root.resolve("labels/trunc.png"), okLabel);
        TinyDatasets.write(root.resolve("images/truncjpg.jpg"), TinyDatasets.truncate(TinyDatasets.jpeg(S, S), 0.6));
        TinyDatasets.write(root.resolve("labels/truncjpg.png"), okLabel);
        TinyDatasets.write(root.resolve("images/size.png"), okImage);
        TinyDatasets.write(root.resolve("labels/size.png"), TinyDatasets.constantGreyPng(16, 16, 1));
        TinyDatasets.write(root.resolve("images/outside.png"), okImage);
        TinyDatasets.write(root.resolve("labels/outside.png"), TinyDatasets.constantGreyPng(S, S, 7));
        TinyDatasets.write(root.resolve("images/orphan_img.png"), okImage);
        TinyDatasets.write(root.resolve("labels/orphan_lab.png"), okLabel);
        TinyDatasets.write(root.resolve("images/deep.png"), TinyDatasets.grey16Png(S, S));
        TinyDatasets.write(root.resolve("labels/deep.png"), okLabel);
        TinyDatasets.write(root.resolve("images/rgba.png"), TinyDatasets.rgbaPng(S, S));
        TinyDatasets.write(root.resolve("labels/rgba.png"), okLabel);
        TinyDatasets.write(root.resolve("images/rgblabel.png"), okImage);
        TinyDatasets.write(root.resolve("labels/rgblabel.png"), TinyDatasets.constantRgbPng(S, S, 1, 1, 1));
        TinyDatasets.write(root.resolve("images/deeplabel.png"), okImage);
        TinyDatasets.write(root.resolve("labels/deeplabel.png"), TinyDatasets.grey16Png(S, S));
    }

    private static PrepConfig.Builder config(String out) {
        return PrepConfig.builder().input(PairedFolders.of(root.toString(), "images", "labels"))
                .output(tmp.resolve(out).toString()).classes(CLASSES).shardCount(2);
    }

    @Test
    void eachBadFileIsQuarantinedWithItsReasonAndAllGoodPairsAreWritten() throws Exception {
        PrepResult r = PrepJob.run(config("tolerant").maxBadFraction(1.0).build(), LocalSpark.session());

        Map<String, String> reasons = r.quarantine().stream().collect(Collectors.toMap(
                q -> root.toUri().relativize(java.net.URI.create(q.path())).getPath(), QuarantineEntry::reason));
        assertEquals(BAD.keySet(), reasons.keySet(), "quarantined files");
        BAD.forEach((file, fragment) -> assertTrue(reasons.get(file).startsWith(fragment) || reasons.get(file).contains(fragment),
                file + ": " + reasons.get(file)));

        assertEquals(GOOD, r.samples());
        assertEquals(GOOD + BAD.size(), r.inputs());
        List<String> ids = PreppedDataset.open(LocalSpark.session(), r.output()).rows().select(ShardSchema.ID)
                .collectAsList().stream().map(row -> row.getString(0)).sorted().toList();
        assertEquals(List.of("good0", "good1", "good2", "good3", "good4", "good5", "good6", "good7"), ids);

        assertEquals(BAD.size(), r.manifest().quarantined());
        List<String> lines = Files.readAllLines(tmp.resolve("tolerant").resolve(DatasetManifest.QUARANTINE_FILE));
        assertEquals(BAD.size(), lines.size());
        assertTrue(lines.get(0).startsWith("{\"path\":\"file:"), lines.get(0));
    }

    @Test
    void jobFailsAboveMaxBadFractionNamingThresholdAndFirstBadFiles() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PrepJob.run(config("strict").maxBadFraction(0.25).build(), LocalSpark.session()));
        String expectedStart = BAD.size() + " of " + (GOOD + BAD.size()) + " input files are bad (60.00%), above maxBadFraction 0.25;"
                + " first bad files: " + root.toUri().resolve("images/deep.png");
        assertTrue(e.getMessage().startsWith(expectedStart.replace("file:///", "file:/")), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("strict")), "nothing published");
        try (var siblings = Files.list(tmp)) {
            assertEquals(List.of(), siblings.filter(p -> p.getFileName().toString().startsWith(".strict")).toList(),
                    "temporary output removed");
        }
    }

    @Test
    void emptyInputIsAClearFailure() throws Exception {
        Path empty = tmp.resolve("empty");
        Files.createDirectories(empty.resolve("images"));
        Files.createDirectories(empty.resolve("labels"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PrepJob.run(PrepConfig.builder()
                .input(PairedFolders.of(empty.toString(), "images", "labels")).output(tmp.resolve("never").toString())
                .classes(CLASSES).build(), LocalSpark.session()));
        assertTrue(e.getMessage().startsWith("empty input: paired-folders " + empty), e.getMessage());
    }

    @Test
    void missingInputFolderNamesThePath() {
        Exception e = assertThrows(java.io.FileNotFoundException.class, () -> PrepJob.run(PrepConfig.builder()
                .input(PairedFolders.of(root.toString(), "images", "no-such-labels")).output(tmp.resolve("never2").toString())
                .classes(CLASSES).build(), LocalSpark.session()));
        assertTrue(e.getMessage().startsWith("label folder file:" + root.resolve("no-such-labels")), e.getMessage());
    }
}
