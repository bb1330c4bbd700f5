package io.segpipe.prep.job;

import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.layout.PairedFolders;
import io.segpipe.prep.reader.PreppedDataset;
import io.segpipe.prep.schema.ClassInfo;
import io.segpipe.prep.schema.ClassTable;
import io.segpipe.prep.schema.Rgb;
import io.segpipe.prep.schema.ShardSchema;
import io.segpipe.prep.schema.SplitStats;
import io.segpipe.prep.testkit.LocalSpark;
import io.segpipe.prep.testkit.SharedData;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Prep on the real datasets ({@link SharedData}); expected values are recomputed here with plain ImageIO. */
@ExtendWith(LocalSpark.class)
class RealDataTest {

    @TempDir
    Path tmp;

    @Test
    void isbiMembrane() throws Exception {
        Path isbi = SharedData.requireDataset("isbi-membrane");
        ClassTable classes = new ClassTable(List.of(new ClassInfo(0, "membrane", new Rgb(0, 0, 0)),
                new ClassInfo(1, "cell", new Rgb(255, 255, 255))), null, null, null);
        SplitSpec split = new SplitSpec(new java.util.LinkedHashMap<>(Map.of("train", 0.7, "val", 0.3)), 3L);
        PrepResult r = PrepJob.run(PrepConfig.builder()
                .input(PairedFolders.of(isbi.toString(), "image", "label"))
                .output(tmp.resolve("isbi").toString()).classes(classes)
                .labelValueMap(Map.of(0, 0, 255, 1)).split(split).shardCount(2).maxBadFraction(0).build(),
                LocalSpark.session());

        assertEquals(30, r.samples());
        long[] expected = new long[2];
        for (int i = 0; i < 30; i++) {
            int[] v = samples(isbi.resolve("label/" + i + ".png"));
            for (int x : v) {
                expected[x == 0 ? 0 : 1]++;
                assertTrue(x == 0 || x == 255, "ISBI labels are 0/255");
            }
        }
        SplitStats all = SplitStats.sum(new ArrayList<>(r.manifest().splits().values()), 2);
        assertEquals(List.of(expected[0], expected[1]), all.classPixels());
        assertEquals(0, all.ignorePixels());

        PreppedDataset prepared = PreppedDataset.open(LocalSpark.session(), r.output());
        assertEquals(2, prepared.manifest().classTable().numClasses());
        List<Row> rows = prepared.rows()
                .select(ShardSchema.ID, ShardSchema.SPLIT, ShardSchema.IMAGE, ShardSchema.LABEL, ShardSchema.CHANNELS)
                .collectAsList();
        Map<String, Long> perSplit = new java.util.TreeMap<>();
        for (Row row : rows) {
            String id = row.getString(0);
            assertEquals(split.assign(id), row.getString(1), "split of " + id);
            perSplit.merge(row.getString(1), 1L, Long::sum);
            assertArrayEquals(Files.readAllBytes(isbi.resolve("image/" + id + ".png")), (byte[]) row.get(2),
                    "image bytes of " + id + " kept as is");
            assertEquals(1, row.getInt(4));
            int[] source = samples(isbi.resolve("label/" + id + ".png"));
            byte[] stored = ImageCodec.decodeLabel((byte[]) row.get(3)).data();
            for (int p = 0; p < source.length; p++) {
                assertEquals(source[p] == 255 ? 1 : 0, stored[p], "label pixel " + p + " of " + id);
            }
        }
        perSplit.forEach((s, n) -> assertEquals(r.manifest().splits().get(s).samples(), n));
    }

    @Test
    void camvidVal() throws Exception {
        Path camvid = SharedData.requireDataset("camvid");
        PrepResult r = PrepJob.run(PrepConfig.builder()
                .input(new PairedFolders(camvid.toString(), List.of(new PairedFolders.FolderPair("val", "valannot", "val"))))
                .output(tmp.resolve("camvid").toString()).classes(ClassTable.camvid()).shardCount(2).maxBadFraction(0).build(),
                LocalSpark.session());

        assertEquals(101, r.samples());
        assertEquals(List.of("val"), List.copyOf(r.manifest().splits().keySet()));
        long[] expected = new long[12];
        File[] labels = camvid.resolve("valannot").toFile().listFiles();
        assertEquals(101, labels.length);
        for (File f : labels) {
            for (int v : samples(f.toPath())) {
                expected[v]++;
            }
        }
        SplitStats val = r.manifest().splits().get("val");
        List<Long> expectedClasses = new ArrayList<>();
        for (int c = 0; c < 11; c++) {
            expectedClasses.add(expected[c]);
        }
        assertEquals(expectedClasses, val.classPixels());
        assertEquals(expected[11], val.ignorePixels());
        assertEquals(101L * 480 * 360, val.pixels());
        assertEquals("all", r.manifest().classWeights().basis());

        PreppedDataset prepared = PreppedDataset.open(LocalSpark.session(), r.output());
        assertEquals(11, prepared.manifest().classTable().numClasses());
        for (Row row : prepared.rows("val")
                .select(ShardSchema.ID, ShardSchema.IMAGE, ShardSchema.LABEL, ShardSchema.HEIGHT, ShardSchema.WIDTH)
                .collectAsList()) {
            String id = row.getString(0);
            assertArrayEquals(Files.readAllBytes(camvid.resolve("val/" + id + ".png")), (byte[]) row.get(1), id);
            assertArrayEquals(Files.readAllBytes(camvid.resolve("valannot/" + id + ".png")), (byte[]) row.get(2), id);
            assertEquals(360, row.getInt(3));
            assertEquals(480, row.getInt(4));
        }
    }

    /** Band-0 samples of an image file, read with plain ImageIO (independent of the codec under test). */
    static int[] samples(Path file) throws IOException {
        BufferedImage img = ImageIO.read(file.toFile());
        Raster r = img.getRaster();
        return r.getSamples(0, 0, img.getWidth(), img.getHeight(), 0, (int[]) null);
    }
}
