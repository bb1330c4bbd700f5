package io.segpipe.prep.job;

import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.codec.LabelRaster;
import io.segpipe.prep.codec.RasterImage;
import io.segpipe.prep.layout.PairedFolders;
import io.segpipe.prep.reader.Normalization;
import io.segpipe.prep.reader.PreppedDataset;
import io.segpipe.prep.reader.TensorSample;
import io.segpipe.prep.schema.DatasetManifest;
import io.segpipe.prep.schema.ShardSchema;
import io.segpipe.prep.schema.SplitStats;
import io.segpipe.prep.synth.SyntheticConfig;
import io.segpipe.prep.synth.SyntheticDatasetGenerator;
import io.segpipe.prep.testkit.LocalSpark;
import io.segpipe.prep.testkit.TinyDatasets;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(LocalSpark.class)
class PrepJobSyntheticTest {

    private static final int N = 40;
    private static final int SIZE = 32;
    private static final long SEED = 11;

    @TempDir
    static Path tmp;
    private static PairedFolders input;
    private static PrepResult first;

    @BeforeAll
    static void prepare() throws Exception {
        input = TinyDatasets.synthetic(tmp.resolve("synth"), N, SIZE, SEED);
        first = PrepJob.run(config(tmp.resolve("out1")), LocalSpark.session());
    }

    private static PrepConfig config(Path out) {
        return PrepConfig.builder().input(input).output(out.toString())
                .classes(SyntheticDatasetGenerator.classTable()).shardCount(3).build();
    }

    private static SyntheticConfig synthConfig() {
        return SyntheticConfig.DEFAULT.withSamples(N).withSize(SIZE, SIZE).withSeed(SEED);
    }

    @Test
    void writesOneRowPerPairWithManifestAndEmptyQuarantine() throws Exception {
        assertEquals(N, first.samples());
        assertEquals(List.of(), first.quarantine());
        Path out = Path.of(java.net.URI.create(first.output()));
        assertTrue(Files.exists(out.resolve(DatasetManifest.FILE_NAME)));
        assertEquals(0, Files.size(out.resolve(DatasetManifest.QUARANTINE_FILE)));
        DatasetManifest m = first.manifest();
        assertEquals(ShardSchema.VERSION, m.schemaVersion());
        assertEquals(N, m.samples());
        assertEquals(N, m.splits().values().stream().mapToLong(SplitStats::samples).sum());
        // 3 shards per split, nothing hidden outside split= directories besides Spark's marker.
        for (String split : m.splits().keySet()) {
            try (var files = Files.list(out.resolve("data/split=" + split))) {
                long parquet = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).count();
                assertTrue(parquet >= 1 && parquet <= 3, split + " has " + parquet + " files");
            }
        }
    }

    @Test
    void classPixelCountsMatchTheRenderedLabels() {
        long[] expected = new long[4];
        long ignore = 0;
        for (int i = 0; i < N; i++) {
            for (byte b : SyntheticDatasetGenerator.render(synthConfig(), i).label()) {
                int v = b & 0xFF;
                if (v == 255) {
                    ignore++;
                } else {
                    expected[v]++;
                }
            }
        }
        SplitStats all = SplitStats.sum(List.copyOf(first.manifest().splits().values()), 4);
        assertEquals(List.of(expected[0], expected[1], expected[2], expected[3]), all.classPixels());
        assertEquals(ignore, all.ignorePixels());
        assertEquals((long) N * SIZE * SIZE, all.pixels());
        assertTrue(ignore > 0, "synthetic data has ignored pixels");
    }

    @Test
    void imagesAndLabelsRoundTripLosslessly() throws Exception {
        SparkSession spark = LocalSpark.session();
        List<Row> rows = PreppedDataset.open(spark, first.output()).rows()
                .select(ShardSchema.ID, ShardSchema.IMAGE, ShardSchema.LABEL).collectAsList();
        assertEquals(N, rows.size());
        for (Row r : rows) {
            int i = Integer.parseInt(r.getString(0).substring("synth_".length()));
            SyntheticDatasetGenerator.Sample s = SyntheticDatasetGenerator.render(synthConfig(), i);
            RasterImage img = ImageCodec.decodeImage((byte[]) r.get(1));
            LabelRaster lab = ImageCodec.decodeLabel((byte[]) r.get(2));
            assertArrayEquals(s.image().pixels(), img.pixels(), r.getString(0));
            assertArrayEquals(s.label(), lab.data(), r.getString(0));
            // No resize: the stored bytes are the source file's bytes.
            assertArrayEquals(Files.readAllBytes(tmp.resolve("synth/images/" + r.getString(0) + ".png")), (byte[]) r.get(1));
        }
    }

    @Test
    void rerunGivesSameIdsSplitsAndHashes() throws Exception {
        PrepResult second = PrepJob.run(config(tmp.resolve("out2")), LocalSpark.session());
        assertEquals(idSplitHash(first.output()), idSplitHash(second.output()));
        assertEquals(first.manifest().splits(), second.manifest().splits());
        assertEquals(first.manifest().classWeights(), second.manifest().classWeights());
    }

    private static Map<String, String> idSplitHash(String path) throws Exception {
        return PreppedDataset.open(LocalSpark.session(), path).rows()
                .select(ShardSchema.ID, ShardSchema.SPLIT, ShardSchema.CONTENT_HASH).collectAsList().stream()
                .collect(Collectors.toMap(r -> r.getString(0), r -> r.getString(1) + "/" + r.getString(2), (a, b) -> a,
                        TreeMap::new));
    }

    @Test
    void splitsFollowTheHashOfTheId() throws Exception {
        Map<String, String> splits = new HashMap<>();
        idSplitHash(first.output()).forEach((id, v) -> splits.put(id, v.substring(0, v.indexOf('/'))));
        for (Map.Entry<String, String> e : splits.entrySet()) {
            assertEquals(SplitSpec.DEFAULT.assign(e.getKey()), e.getValue(), e.getKey());
        }
        assertTrue(splits.containsValue("train") && splits.containsValue("val"), "both splits drawn: " + splits);
    }

    @Test
    void readerDecodesNormalisedChwAndLabelIds() throws Exception {
        PreppedDataset ds = PreppedDataset.open(LocalSpark.session(), first.output());
        assertEquals(4, ds.manifest().classTable().numClasses());
        Normalization norm = new Normalization(1.0 / 255, List.of(0.5), List.of(0.25));
        String split = ds.manifest().splits().keySet().iterator().next();
        List<TensorSample> samples = ds.samples(split, norm).collect();
        assertEquals(ds.manifest().splits().get(split).samples(), samples.size());
        TensorSample t = samples.get(0);
        SyntheticDatasetGenerator.Sample s = SyntheticDatasetGenerator.render(synthConfig(),
                Integer.parseInt(t.id().substring("synth_".length())));
        assertEquals(3, t.channels());
        assertEquals(SIZE, t.height());
        assertEquals(SIZE, t.width());
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < SIZE * SIZE; i++) {
                float expected = (float) (((s.image().pixels()[i * 3 + c] & 0xFF) / 255.0 - 0.5) / 0.25);
                assertEquals(expected, t.image()[c * SIZE * SIZE + i], 1e-5f);
            }
        }
        for (int i = 0; i < SIZE * SIZE; i++) {
            assertEquals(s.label()[i] & 0xFF, t.label()[i]);
        }
        assertEquals(split, t.split());
    }
}
