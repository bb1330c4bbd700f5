package io.segpipe.prep.job;

import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.layout.ManifestCsv;
import io.segpipe.prep.layout.PairedFolders;
import io.segpipe.prep.layout.PascalVoc;
import io.segpipe.prep.reader.PreppedDataset;
import io.segpipe.prep.schema.ClassTable;
import io.segpipe.prep.schema.QuarantineEntry;
import io.segpipe.prep.schema.ShardSchema;
import io.segpipe.prep.testkit.LocalSpark;
import io.segpipe.prep.testkit.TinyDatasets;
import org.apache.spark.sql.Row;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The other input layouts and label formats, end to end. */
@ExtendWith(LocalSpark.class)
class LayoutsTest {

    private static final int S = 24;

    @TempDir
    Path tmp;

    private static byte[] pattern(int offset, int classes, int ignore) {
        byte[] v = new byte[S * S];
        for (int i = 0; i < v.length; i++) {
            v[i] = (byte) (i % 7 == 0 ? ignore : (i / S + offset) % classes);
        }
        return v;
    }

    private static Map<String, Row> rowsById(String path) throws Exception {
        return PreppedDataset.open(LocalSpark.session(), path).rows().collectAsList().stream()
                .collect(Collectors.toMap(r -> r.getString(r.fieldIndex(ShardSchema.ID)), r -> r, (a, b) -> a, TreeMap::new));
    }

    @Test
    void pascalVocPaletteLabelsWithBorderIgnoreAndListedSplits() throws Exception {
        Path voc = tmp.resolve("VOC2012");
        for (String id : List.of("2007_000001", "2007_000002", "2007_000003")) {
            TinyDatasets.write(voc.resolve("JPEGImages/" + id + ".jpg"), TinyDatasets.jpeg(S, S));
            TinyDatasets.write(voc.resolve("SegmentationClass/" + id + ".png"),
                    TinyDatasets.palettePng(S, S, pattern(id.charAt(10) - '0', 21, 255)));
        }
        TinyDatasets.write(voc.resolve("JPEGImages/2007_000004.jpg"), TinyDatasets.jpeg(S, S)); // listed, no label
        TinyDatasets.write(voc.resolve("ImageSets/Segmentation/train.txt"),
                "2007_000001\n2007_000002\n2007_000004\n".getBytes(StandardCharsets.UTF_8));
        TinyDatasets.write(voc.resolve("ImageSets/Segmentation/val.txt"), "2007_000003\n".getBytes(StandardCharsets.UTF_8));

        PrepResult r = PrepJob.run(PrepConfig.builder().input(new PascalVoc(voc.toString(), null))
                .output(tmp.resolve("out").toString()).classes(ClassTable.pascalVoc()).maxBadFraction(0.5).build(),
                LocalSpark.session());

        assertEquals(3, r.samples());
        assertEquals(1, r.quarantine().size());
        assertTrue(r.quarantine().get(0).reason().startsWith("image without label"), r.quarantine().toString());
        Map<String, Row> rows = rowsById(r.output());
        assertEquals("train", rows.get("2007_000001").getString(rows.get("2007_000001").fieldIndex("split")));
        assertEquals("val", rows.get("2007_000003").getString(rows.get("2007_000003").fieldIndex("split")));
        Row row = rows.get("2007_000002");
        // JPEG kept byte for byte (re-encoding would lose quality); palette indices stored as grey ids.
        assertArrayEquals(Files.readAllBytes(voc.resolve("JPEGImages/2007_000002.jpg")), (byte[]) row.get(row.fieldIndex("image")));
        assertArrayEquals(pattern(2, 21, 255), ImageCodec.decodeLabel((byte[]) row.get(row.fieldIndex("label"))).data());
        assertEquals(3, row.getInt(row.fieldIndex("channels")));
    }

    @Test
    void manifestCsvWithOptionalSplitsAndAMissingFile() throws Exception {
        Path data = tmp.resolve("csvdata");
        for (int i = 0; i < 4; i++) {
            TinyDatasets.write(data.resolve("img/a" + i + ".png"), TinyDatasets.noisyRgbPng(S, S, i));
            TinyDatasets.write(data.resolve("lab/a" + i + ".png"), TinyDatasets.greyPng(S, S, pattern(i, 3, 255)));
        }
        String csv = "image,label,split\n"
                + "img/a0.png,lab/a0.png,train\n"
                + "img/a1.png,lab/a1.png,test\n"
                + "\"img/a2.png\",lab/a2.png,\n"
                + "img/a3.png,lab/missing.png,train\n";
        TinyDatasets.write(data.resolve("pairs.csv"), csv.getBytes(StandardCharsets.UTF_8));

        PrepResult r = PrepJob.run(PrepConfig.builder().input(new ManifestCsv(data.resolve("pairs.csv").toString()))
                .output(tmp.resolve("out").toString()).classes(ClassTable.of(255, "x", "y", "z")).maxBadFraction(0.3).build(),
                LocalSpark.session());

        assertEquals(3, r.samples());
        assertEquals(List.of(new QuarantineEntry(data.resolve("lab/missing.png").toUri().toString().replace("file:///", "file:/"),
                "label: file not found")), r.quarantine());
        Map<String, Row> rows = rowsById(r.output());
        assertEquals(List.of("img/a0", "img/a1", "img/a2"), List.copyOf(rows.keySet()));
        assertEquals("test", rows.get("img/a1").getString(rows.get("img/a1").fieldIndex("split")));
        assertEquals(SplitSpec.DEFAULT.assign("img/a2"), rows.get("img/a2").getString(rows.get("img/a2").fieldIndex("split")));
    }

    @Test
    void colourCodedLabelsMapThroughTheClassTableAndUnknownColoursAreQuarantined() throws Exception {
        ClassTable camvid = ClassTable.camvid();
        Path in = tmp.resolve("colours");
        byte[] ids = pattern(0, 11, 11);
        byte[] rgb = new byte[S * S * 3];
        for (int i = 0; i < ids.length; i++) {
            var c = ids[i] == 11 ? camvid.ignoreColour() : camvid.classes().get(ids[i]).colour();
            rgb[3 * i] = (byte) c.r();
            rgb[3 * i + 1] = (byte) c.g();
            rgb[3 * i + 2] = (byte) c.b();
        }
        TinyDatasets.write(in.resolve("images/good.png"), TinyDatasets.noisyRgbPng(S, S, 1));
        TinyDatasets.write(in.resolve("labels/good.png"), ImageCodec.encodePng(new io.segpipe.prep.codec.RasterImage(S, S, 3, rgb)));
        TinyDatasets.write(in.resolve("images/odd.png"), TinyDatasets.noisyRgbPng(S, S, 2));
        TinyDatasets.write(in.resolve("labels/odd.png"), TinyDatasets.constantRgbPng(S, S, 1, 2, 3));

        PrepResult r = PrepJob.run(PrepConfig.builder().input(PairedFolders.of(in.toString(), "images", "labels"))
                .output(tmp.resolve("out").toString()).classes(camvid).labelFormat(LabelFormat.COLOURS)
                .maxBadFraction(0.5).build(), LocalSpark.session());

        assertEquals(1, r.samples());
        assertEquals("label: label colour (1,2,3) at (x=0, y=0) is not in the class table; " + S * S + " such pixels",
                r.quarantine().get(0).reason());
        Row row = rowsById(r.output()).get("good");
        assertArrayEquals(ids, ImageCodec.decodeLabel((byte[]) row.get(row.fieldIndex("label"))).data());
    }

    @Test
    void resizeUsesNearestForLabelsAndKeepsTheGeometryAligned() throws Exception {
        Path in = tmp.resolve("resize");
        // Left half class 1, right half class 2: after any resize every label value is 1 or 2, never 1.5-ish.
        byte[] lab = new byte[40 * 20];
        for (int i = 0; i < lab.length; i++) {
            lab[i] = (byte) (i % 40 < 20 ? 1 : 2);
        }
        TinyDatasets.write(in.resolve("images/x.png"), TinyDatasets.noisyRgbPng(40, 20, 5));
        TinyDatasets.write(in.resolve("labels/x.png"), TinyDatasets.greyPng(40, 20, lab));
        PrepResult r = PrepJob.run(PrepConfig.builder().input(PairedFolders.of(in.toString(), "images", "labels"))
                .output(tmp.resolve("out").toString()).classes(ClassTable.of(null, "a", "b", "c"))
                .resize(new ResizeSpec(16, 16, ResizeSpec.Fit.CROP)).build(), LocalSpark.session());
        Row row = rowsById(r.output()).get("x");
        assertEquals(16, row.getInt(row.fieldIndex("height")));
        assertEquals(16, row.getInt(row.fieldIndex("width")));
        byte[] stored = ImageCodec.decodeLabel((byte[]) row.get(row.fieldIndex("label"))).data();
        // 40x20 scaled to 32x16, centre crop 16 wide from x=8: columns 0..7 are left (1), 8..15 right (2).
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                assertEquals(x < 8 ? 1 : 2, stored[y * 16 + x], "label at " + x + "," + y);
            }
        }
        assertEquals(List.of(0L, 128L, 128L), r.manifest().splits().values().iterator().next().classPixels());
        assertEquals(16, ImageCodec.decodeImage((byte[]) row.get(row.fieldIndex("image"))).width());
    }
}
