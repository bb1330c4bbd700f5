package io.segpipe.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.prep.reader.PreppedDataset;
import io.segpipe.prep.schema.ShardSchema;
import io.segpipe.prep.testkit.DamagedDatasets;
import io.segpipe.prep.testkit.LocalSpark;

/**
 * Rows whose stored image no longer decodes are counted, logged with their ids and skipped up to
 * {@code maxCorruptFraction} of their split; one more and the run stops with one message, before
 * the epoch's checkpoint and without a model. Counts are exact: the fixture's splits have
 * {@code trainRows} and {@code valRows} rows, and the limit is set at exactly one row.
 */
@ExtendWith(LocalSpark.class)
class CorruptRowTest {
    @TempDir
    static Path tmp;
    static long trainRows;
    static long valRows;
    static List<String> trainIds;
    static List<String> valIds;

    @BeforeAll
    static void ids() throws IOException {
        SparkSession spark = LocalSpark.session();
        PreppedDataset ds = PreppedDataset.open(spark, TrainFixtures.dataset());
        trainRows = ds.manifest().splits().get("train").samples();
        valRows = ds.manifest().splits().get("val").samples();
        trainIds = ds.rows("train").select(ShardSchema.ID).orderBy(ShardSchema.ID).as(Encoders.STRING()).collectAsList();
        valIds = ds.rows("val").select(ShardSchema.ID).orderBy(ShardSchema.ID).as(Encoders.STRING()).collectAsList();
        assertTrue(trainRows > 20 && valRows >= 2, trainRows + " train, " + valRows + " val rows");
    }

    private static String damaged(String name, List<String> ids) {
        return DamagedDatasets.withTruncatedImages(LocalSpark.session(), TrainFixtures.dataset(), tmp.resolve(name), ids);
    }

    private static TrainConfig.Builder oneEpoch(Path out, String dataset) {
        return TrainFixtures.config(out).dataset(dataset).epochs(1);
    }

    @Test
    void aCorruptRowIsCountedAndSkippedAtTheLimit() throws Exception {
        Path out = tmp.resolve("at-limit");
        TrainResult r = TrainJob.run(oneEpoch(out, damaged("one-train", trainIds.subList(0, 1)))
                .maxCorruptFraction(1.0 / trainRows).build(), LocalSpark.session());
        assertEquals(1, r.skippedRows(), "the damaged row, once");
        assertEquals(1, r.last().skippedRows());
        assertEquals(trainRows - 1, r.last().images(), "every other train image trained");
        assertTrue(Double.isFinite(r.last().loss()));
    }

    @Test
    void oneCorruptRowMoreThanTheLimitStopsTrainingBeforeItsCheckpoint() throws Exception {
        String two = damaged("two-train", trainIds.subList(0, 2));
        Path out = tmp.resolve("above-limit");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TrainJob.run(oneEpoch(out, two)
                .maxCorruptFraction(1.0 / trainRows).build(), LocalSpark.session()));
        assertEquals("split train of file:" + two + ": 2 of " + trainRows + " rows are corrupt ("
                + percent(2, trainRows) + "), above maxCorruptFraction " + (1.0 / trainRows) + "; the data was damaged"
                + " after prep (prepare it again); corrupt ids: " + trainIds.get(0) + ", " + trainIds.get(1), e.getMessage());
        assertNothingWritten(out);
    }

    @Test
    void theDefaultLimitOfOnePercentStopsAtOneCorruptRowOfThisSplit() throws Exception {
        Path out = tmp.resolve("default-limit");
        String one = damaged("one-train-default", trainIds.subList(0, 1));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TrainJob.run(oneEpoch(out, one).build(), LocalSpark.session()));
        assertEquals("split train of file:" + one + ": 1 of " + trainRows + " rows are corrupt (" + percent(1, trainRows)
                + "), above maxCorruptFraction 0.01; the data was damaged after prep (prepare it again); corrupt ids: "
                + trainIds.get(0), e.getMessage());
        assertNothingWritten(out);
    }

    @Test
    void corruptValidationRowsAreCheckedAgainstTheValSplit() throws Exception {
        String val = damaged("one-val", valIds.subList(0, 1));
        Path ok = tmp.resolve("val-at-limit");
        TrainResult r = TrainJob.run(oneEpoch(ok, val).maxCorruptFraction(1.0 / valRows).build(), LocalSpark.session());
        assertEquals(1, r.last().skippedRows(), "the damaged val row");
        assertEquals(trainRows, r.last().images(), "no train row skipped");

        Path out = tmp.resolve("val-above-limit");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TrainJob.run(oneEpoch(out, val)
                .maxCorruptFraction(0.5 / valRows).build(), LocalSpark.session()));
        assertTrue(e.getMessage().startsWith("split val of file:" + val + ": 1 of " + valRows + " rows are corrupt"),
                e.getMessage());
        assertNothingWritten(out);
    }

    @Test
    void theLimitIsValidatedWithItsName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainFixtures.config(tmp).maxCorruptFraction(1.5).build());
        assertEquals("maxCorruptFraction must be in [0.0, 1.0], found 1.5", e.getMessage());
    }

    private static String percent(long corrupt, long rows) {
        return String.format(Locale.ROOT, "%.2f%%", 100.0 * corrupt / rows);
    }

    /** No model, and no checkpoint of the epoch that met the corrupt rows. */
    private static void assertNothingWritten(Path out) throws IOException {
        assertFalse(Files.exists(out.resolve("model")), "no model written");
        Path checkpoints = out.resolve("model.checkpoints");
        if (Files.isDirectory(checkpoints)) {
            try (Stream<Path> s = Files.list(checkpoints)) {
                // the progress log (metrics.jsonl) records the epochs that ran; no checkpoint holds one
                assertEquals(List.of(), s.map(p -> p.getFileName().toString())
                        .filter(n -> !n.startsWith(".") && !n.equals(MetricsLog.FILE)).toList(), "no checkpoint");
            }
        }
    }
}
