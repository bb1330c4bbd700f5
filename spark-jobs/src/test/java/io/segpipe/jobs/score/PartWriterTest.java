package io.segpipe.jobs.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.jobs.infer.ImagePrediction;
import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.testkit.LocalSpark;

/** A part file appears only when committed, reads back through Spark as the schema says, and a retry replaces it. */
@ExtendWith(LocalSpark.class)
class PartWriterTest {

    @TempDir
    Path tmp;

    /** Two 2x3 label maps of 3 classes in one batch's array; the second image is all class 2 but one pixel. */
    private static final int[] BATCH = {0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 2, 0};

    private PartWriter open(int partition) throws IOException {
        return PartWriter.open(new org.apache.hadoop.fs.Path(tmp.toUri()), "run1", partition, new Configuration(), 3);
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")).sorted().toList();
        }
    }

    @Test
    void committedRowsReadBackThroughSpark() throws Exception {
        try (PartWriter part = open(7)) {
            part.write("a", new ImagePrediction(2, 3, BATCH, 0, 0.9));
            part.write("b", new ImagePrediction(2, 3, BATCH, 6, 0.5));
            assertEquals("part-run1-00007.parquet", part.commit());
        }
        assertEquals(List.of("part-run1-00007.parquet"), files());
        List<Row> rows = LocalSpark.session().read().schema(ScoreSchema.SCHEMA).parquet(tmp.toString())
                .orderBy(ScoreSchema.ID).collectAsList();
        ScoreSchema.require(LocalSpark.session().read().parquet(tmp.toString()).schema());
        assertEquals(2, rows.size());
        Row b = rows.get(1);
        assertEquals("b", b.getAs(ScoreSchema.ID));
        assertEquals(2, (int) b.<Integer>getAs(ScoreSchema.HEIGHT));
        assertEquals(3, (int) b.<Integer>getAs(ScoreSchema.WIDTH));
        assertEquals(List.of(1 / 6.0, 0.0, 5 / 6.0), b.getList(b.fieldIndex(ScoreSchema.CLASS_FRACTIONS)));
        assertEquals(0.5, b.<Double>getAs(ScoreSchema.CONFIDENCE), 0);
        byte[] labels = ImageCodec.decodeLabel((byte[]) b.getAs(ScoreSchema.PREDICTION)).data();
        assertEquals(List.of(2, 2, 2, 2, 2, 0), java.util.stream.IntStream.range(0, 6).map(i -> labels[i] & 0xFF)
                .boxed().toList());
    }

    @Test
    void aFailedAttemptLeavesNoFileAndARetryReplacesAnEarlierOne() throws IOException {
        try (PartWriter failed = open(0)) {
            failed.write("a", new ImagePrediction(2, 3, BATCH, 0, 0.9)); // the task dies before commit
        }
        assertEquals(List.of(), files());
        for (String id : List.of("first", "second")) {
            try (PartWriter part = open(0)) {
                part.write(id, new ImagePrediction(2, 3, BATCH, 0, 0.9));
                part.commit();
            }
        }
        assertEquals(List.of("part-run1-00000.parquet"), files(), "no hidden temporaries left");
        List<Row> rows = LocalSpark.session().read().parquet(tmp.toString()).collectAsList();
        assertEquals(1, rows.size());
        assertEquals("second", rows.get(0).getAs(ScoreSchema.ID));
    }

    @Test
    void aPartitionWithoutAnyRowWritesNoFile() throws IOException {
        try (PartWriter part = open(1)) {
            assertNull(part.commit());
        }
        assertTrue(files().isEmpty());
    }
}
