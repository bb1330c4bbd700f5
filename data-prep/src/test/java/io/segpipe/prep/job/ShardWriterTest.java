package io.segpipe.prep.job;

import io.segpipe.prep.schema.ShardSchema;
import io.segpipe.prep.testkit.LocalSpark;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A shard file appears only when committed, reads back exactly through Spark, and a retry replaces it. */
@ExtendWith(LocalSpark.class)
class ShardWriterTest {

    @TempDir
    Path tmp;

    private static PreparedSample sample(String id, int seed) {
        byte[] image = new byte[100 + seed];
        byte[] label = new byte[50 + seed];
        for (int i = 0; i < image.length; i++) {
            image[i] = (byte) (i * 31 + seed);
        }
        for (int i = 0; i < label.length; i++) {
            label[i] = (byte) (i % 3 + seed);
        }
        return new PreparedSample(id, "train", image, label, 4, 5, 3, new long[] {seed, 0, 20 - seed},
                "file:/in/" + id + ".png", "file:/in/" + id + "_L.png");
    }

    private org.apache.hadoop.fs.Path shard(int index) {
        return ShardWriter.shardPath(new org.apache.hadoop.fs.Path(tmp.resolve("data").toUri()), "train", index);
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.walk(tmp)) {
            return s.filter(Files::isRegularFile).map(p -> tmp.relativize(p).toString())
                    .filter(n -> !n.endsWith(".crc")).sorted().toList();
        }
    }

    @Test
    void committedRowsReadBackThroughSparkExactly() throws IOException {
        List<PreparedSample> samples = List.of(sample("a", 1), sample("b", 2));
        try (ShardWriter writer = ShardWriter.open(shard(3), new Configuration(), "snappy", 1 << 20)) {
            for (PreparedSample s : samples) {
                writer.write(s);
            }
            writer.commit();
        }
        assertEquals(List.of("data/split=train/part-00003.parquet"), files());

        List<Row> rows = LocalSpark.session().read().schema(ShardSchema.SCHEMA).parquet(tmp.resolve("data").toString())
                .orderBy(ShardSchema.ID).collectAsList();
        assertEquals(2, rows.size());
        for (int i = 0; i < 2; i++) {
            PreparedSample s = samples.get(i);
            Row r = rows.get(i);
            assertEquals(s.id(), r.getAs(ShardSchema.ID));
            assertEquals("train", r.getAs(ShardSchema.SPLIT));
            assertArrayEquals(s.image(), (byte[]) r.getAs(ShardSchema.IMAGE));
            assertArrayEquals(s.label(), (byte[]) r.getAs(ShardSchema.LABEL));
            assertEquals(List.of(4, 5, 3), List.of(r.<Integer>getAs(ShardSchema.HEIGHT), r.<Integer>getAs(ShardSchema.WIDTH),
                    r.<Integer>getAs(ShardSchema.CHANNELS)));
            assertEquals(List.of(s.classPixels()[0], 0L, s.classPixels()[2]), r.getList(r.fieldIndex(ShardSchema.CLASS_PIXELS)));
            assertEquals(s.imagePath(), r.getAs(ShardSchema.IMAGE_PATH));
            assertEquals(s.labelPath(), r.getAs(ShardSchema.LABEL_PATH));
            assertEquals(PreparedSample.contentHash(s.image(), s.label()), r.getAs(ShardSchema.CONTENT_HASH));
        }
    }

    @Test
    void anAttemptThatFailsLeavesNoFileAndARetryReplacesAnEarlierOne() throws IOException {
        try (ShardWriter failed = ShardWriter.open(shard(0), new Configuration(), "none", 1 << 20)) {
            failed.write(sample("a", 1)); // the task dies before commit
        }
        assertEquals(List.of(), files());

        for (int attempt = 1; attempt <= 2; attempt++) {
            try (ShardWriter writer = ShardWriter.open(shard(0), new Configuration(), "none", 1 << 20)) {
                writer.write(sample("a" + attempt, attempt));
                writer.commit();
            }
        }
        assertEquals(List.of("data/split=train/part-00000.parquet"), files());
        List<Row> rows = LocalSpark.session().read().schema(ShardSchema.SCHEMA).parquet(tmp.resolve("data").toString())
                .collectAsList();
        assertEquals(1, rows.size());
        assertEquals("a2", rows.get(0).getAs(ShardSchema.ID));
        assertFalse(files().stream().anyMatch(f -> f.contains("/.")), "no hidden temporaries left");
        assertTrue(Files.exists(tmp.resolve("data/split=train/part-00000.parquet")));
    }
}
