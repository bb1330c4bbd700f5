package io.segpipe.prep.job;

import io.segpipe.prep.layout.ManifestCsv;
import io.segpipe.prep.layout.PairedFolders;
import io.segpipe.prep.layout.PascalVoc;
import io.segpipe.prep.schema.ClassTable;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrepConfigTest {

    private static PrepConfig.Builder base() {
        return PrepConfig.builder().input(PairedFolders.of("/data/isbi", "image", "label")).output("/out")
                .classes(ClassTable.of(null, "membrane", "cell"));
    }

    @Test
    void everyLayoutRoundTripsThroughJson() {
        Map<String, Double> fractions = new LinkedHashMap<>();
        fractions.put("train", 0.7);
        fractions.put("val", 0.2);
        fractions.put("test", 0.1);
        List<PrepConfig> configs = List.of(
                base().labelValueMap(Map.of(0, 0, 255, 1)).build(),
                base().input(new PairedFolders("hdfs:///camvid", List.of(new PairedFolders.FolderPair("train", "trainannot", "train"),
                        new PairedFolders.FolderPair("val", "valannot", "val")))).classes(ClassTable.camvid())
                        .labelFormat(LabelFormat.COLOURS).resize(new ResizeSpec(176, 240, ResizeSpec.Fit.CROP))
                        .shardCount(16).rowGroupBytes(64L << 20).compression("zstd").maxBadFraction(0.1).maxFileBytes(100L << 20)
                        .maxDecodedBytes(1L << 30).overwrite(true).build(),
                base().input(new PascalVoc("/voc", List.of("train", "val"))).classes(ClassTable.pascalVoc())
                        .split(new SplitSpec(fractions, 9)).build(),
                base().input(new ManifestCsv("s3a://bucket/pairs.csv")).build());
        for (PrepConfig c : configs) {
            String json = c.toJson();
            assertEquals(c, PrepConfig.fromJson(json), json);
        }
    }

    @Test
    void omittedOptionsTakeTheBuilderDefaults() {
        PrepConfig c = PrepConfig.fromJson("""
                {"input": {"layout": "paired-folders", "root": "/d", "folders": [{"images": "i", "labels": "l"}]},
                 "output": "/o", "classes": {"classes": [{"name": "a"}, {"name": "b"}]}}""");
        assertEquals(8, c.shardCount());
        assertEquals(32L << 20, c.rowGroupBytes());
        assertEquals("none", c.compression());
        assertEquals(0.01, c.maxBadFraction());
        assertEquals(64L << 20, c.maxFileBytes());
        assertEquals(256L << 20, c.maxDecodedBytes());
        assertEquals(false, c.overwrite());
        assertEquals(SplitSpec.DEFAULT, c.split());
        assertEquals(LabelFormat.IDS, c.labelFormat());
        assertEquals(null, c.resize());
    }

    @Test
    void validationNamesTheFieldAndValue() {
        assertEquals("shardCount must be >= 1, found 0",
                assertThrows(IllegalArgumentException.class, () -> base().shardCount(0).build()).getMessage());
        assertEquals("maxBadFraction must be in [0.0, 1.0], found 1.5",
                assertThrows(IllegalArgumentException.class, () -> base().maxBadFraction(1.5).build()).getMessage());
        assertEquals("maxFileBytes must be in [1024, 2147483639], found 64",
                assertThrows(IllegalArgumentException.class, () -> base().maxFileBytes(64).build()).getMessage());
        assertEquals("maxDecodedBytes must be in [1024, 2147483639], found 4294967296",
                assertThrows(IllegalArgumentException.class, () -> base().maxDecodedBytes(4L << 30).build()).getMessage());
        assertEquals("output must be a non-empty string, found \"\"",
                assertThrows(IllegalArgumentException.class, () -> base().output("").build()).getMessage());
        assertEquals("labelValueMap.255 must be a class id or the ignore label (class ids 0..1, no ignore label), found 7",
                assertThrows(IllegalArgumentException.class, () -> base().labelValueMap(Map.of(255, 7)).build()).getMessage());
        assertEquals("split.fractions must sum to 1, found 0.9 {train=0.5, val=0.4}",
                assertThrows(IllegalArgumentException.class, () -> new SplitSpec(new LinkedHashMap<>(
                        Map.of("train", 0.5, "val", 0.4)), 1).assign("x")).getMessage().replace("{val=0.4, train=0.5}", "{train=0.5, val=0.4}"));
        assertEquals("compression must be one of", assertThrows(IllegalArgumentException.class,
                () -> base().compression("brotli").build()).getMessage().substring(0, 26));
        assertEquals("resize.width must be >= 1, found 0",
                assertThrows(IllegalArgumentException.class, () -> new ResizeSpec(10, 0, null)).getMessage());
    }

    @Test
    void unknownJsonFieldIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PrepConfig.fromJson("""
                {"input": {"layout": "manifest-csv", "path": "/p.csv"}, "output": "/o",
                 "classes": {"classes": [{"name": "a"}, {"name": "b"}]}, "shardCont": 3}"""));
        assertTrue(e.getMessage().contains("shardCont"), e.getMessage());
    }
}
