package io.segpipe.jobs.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.prep.fs.CompletionMarker;
import io.segpipe.prep.testkit.LocalSpark;
import io.segpipe.prep.testkit.TinyDatasets;

/**
 * A run that fails half-way: an overwrite leaves the previous output and masks as they were, a
 * fresh run or a resume leaves a resumable output without completion marker, and what a killed
 * replace left behind is repaired by the next run.
 */
@ExtendWith(LocalSpark.class)
class ScoreFailureTest {

    @TempDir
    static Path shared;
    static String model;
    static SparkSession spark;

    @BeforeAll
    static void setUp() {
        spark = LocalSpark.session();
        FailingFileSystem.install(spark.sparkContext().hadoopConfiguration());
        model = ScoreFixtures.model(shared.resolve("model"));
    }

    @AfterEach
    void disarm() {
        FailingFileSystem.reset();
    }

    private static Optional<CompletionMarker> marker(Path dir) throws IOException {
        return CompletionMarker.read(FileSystem.getLocal(new Configuration()), new org.apache.hadoop.fs.Path(dir.toUri()));
    }


    private static void assertInjectedFailure(Exception e) {
        Throwable t = e;
        while (t != null && (t.getMessage() == null || !t.getMessage().contains("injected read failure"))) {
            t = t.getCause();
        }
        assertTrue(t != null, "the run failed for the injected reason: " + e);
    }

    @Test
    void anOverwriteThatFailsHalfWayLeavesThePreviousOutputAndMasksIntact(@TempDir Path tmp) throws Exception {
        Path in = ScoreFixtures.folder(tmp.resolve("in"), 7);
        Path out = tmp.resolve("scores");
        Path masks = tmp.resolve("masks");
        ScoreConfig config = ScoreConfig.builder().model(model).images(FailingFileSystem.uri(in)).output(out.toString())
                .masks(masks.toString()).partitions(3).build();
        ScoreResult previous = ScoreJob.run(config, spark);
        assertEquals(7, previous.scored());
        Map<String, String> outBefore = ScoreFixtures.snapshot(out);
        Map<String, String> masksBefore = ScoreFixtures.snapshot(masks);
        Set<String> rowsBefore = ScoreFixtures.rowKeys(spark, out);

        // the partition holding img3 fails once the two other partitions have written their parts into the staging
        FailingFileSystem.failOn("img3.png", tmp, p -> p.toString().contains("/.scores.tmp-"), 2);
        Exception failed = assertThrows(Exception.class, () -> ScoreJob.run(config.toBuilder().overwrite(true).build(),
                spark));
        assertInjectedFailure(failed);
        assertEquals(2, FailingFileSystem.partsSeenAtFailure(), "the run failed half-way, after writing parts");

        assertEquals(outBefore, ScoreFixtures.snapshot(out), "previous scores unchanged, byte for byte");
        assertEquals(masksBefore, ScoreFixtures.snapshot(masks), "previous masks unchanged, byte for byte");
        assertEquals(rowsBefore, ScoreFixtures.rowKeys(spark, out), "and readable");
        assertEquals(previous.runId(), marker(out).orElseThrow().runId(), "still complete");
        assertEquals(previous.runId(), marker(masks).orElseThrow().runId());
        assertEquals(Set.of(), ScoreFixtures.hiddenSiblings(out), "no staging or lock left");
        assertEquals(Set.of(), ScoreFixtures.hiddenSiblings(masks));

        FailingFileSystem.reset();
        ScoreResult replaced = ScoreJob.run(config.toBuilder().overwrite(true).build(), spark);
        assertEquals(7, replaced.scored());
        assertEquals(replaced.runId(), marker(out).orElseThrow().runId());
        assertEquals(replaced.runId(), marker(masks).orElseThrow().runId());
        assertEquals(7, ScoreFixtures.ids(spark, out).size());
        assertEquals(Set.of(), ScoreFixtures.hiddenSiblings(out));
    }

    @Test
    void aFreshRunOrAResumeThatFailsLeavesAResumableOutputWithoutMarker(@TempDir Path tmp) throws Exception {
        Path in = ScoreFixtures.folder(tmp.resolve("in"), 7);
        Path out = tmp.resolve("scores");
        ScoreConfig config = ScoreConfig.builder().model(model).images(FailingFileSystem.uri(in)).output(out.toString())
                .partitions(3).build();
        FailingFileSystem.failOn("img3.png", tmp, p -> p.startsWith(out), 2);
        assertInjectedFailure(assertThrows(Exception.class, () -> ScoreJob.run(config, spark)));
        assertEquals(Optional.empty(), marker(out), "incomplete: no marker");
        long partial = ScoreFixtures.ids(spark, out).size();
        // How many of the other two partitions completed before Spark stopped the job depends on
        // scheduling (none, under load, when the failing one ran first); the failing one kept nothing.
        assertTrue(partial <= 5, "only completed partitions' rows are kept, found " + partial);
        assertTrue(ScoreFixtures.names(out).contains(ScoreMetadata.FILE_NAME));
        assertEquals(Set.of(), ScoreFixtures.hiddenSiblings(out), "lock released");

        FailingFileSystem.reset();
        ScoreResult resumed = ScoreJob.run(config.toBuilder().resume(true).partitions(0).build(), spark);
        assertEquals(partial, resumed.skipped());
        assertEquals(7 - partial, resumed.scored());
        assertEquals(resumed.runId(), marker(out).orElseThrow().runId(), "complete once the resume completed");
        assertEquals(7L, marker(out).orElseThrow().counts().get("inputImages"));

        // new images arrive; a resume that fails removes the marker and keeps every row
        for (int i = 7; i < 10; i++) {
            TinyDatasets.write(in.resolve("new" + i + ".png"), TinyDatasets.noisyRgbPng(20, 28, i));
        }
        Set<String> complete = ScoreFixtures.rowKeys(spark, out);
        FailingFileSystem.failOn("new8.png", tmp, p -> false, 0);
        assertInjectedFailure(assertThrows(Exception.class, () -> ScoreJob.run(config.toBuilder().resume(true).build(),
                spark)));
        assertEquals(Optional.empty(), marker(out), "changed in place, so no longer complete");
        assertTrue(ScoreFixtures.rowKeys(spark, out).containsAll(complete), "no row lost");

        FailingFileSystem.reset();
        ScoreResult finished = ScoreJob.run(config.toBuilder().resume(true).build(), spark);
        List<String> ids = ScoreFixtures.ids(spark, out);
        assertEquals(10, ids.size());
        assertEquals(10, new HashSet<>(ids).size(), "no id twice");
        assertEquals(finished.runId(), marker(out).orElseThrow().runId());
        assertNotEquals(resumed.runId(), finished.runId());
    }

    @Test
    void anOutputOfTheEarlierFormatWithoutMaskFileIsNotResumed(@TempDir Path tmp) throws Exception {
        Path in = ScoreFixtures.folder(tmp.resolve("in"), 2);
        Path current = tmp.resolve("current");
        ScoreConfig config = ScoreConfig.builder().model(model).images(in.toString()).output(current.toString()).build();
        ScoreJob.run(config, spark);
        Path earlier = tmp.resolve("earlier");
        spark.read().parquet(current.toString()).drop(ScoreSchema.MASK_FILE).write().parquet(earlier.toString());
        Files.copy(current.resolve(ScoreMetadata.FILE_NAME), earlier.resolve(ScoreMetadata.FILE_NAME));
        Map<String, String> before = ScoreFixtures.snapshot(earlier);

        IOException e = assertThrows(IOException.class, () -> ScoreJob.run(config.toBuilder()
                .output(earlier.toString()).resume(true).build(), spark));
        assertTrue(e.getMessage().startsWith("cannot resume file:" + earlier.toRealPath() + ": Column mask_file does not "
                + "exist in the scoring output; "), e.getMessage());
        assertTrue(e.getMessage().endsWith("It was written by an earlier version; set overwrite to score it again, or "
                + "choose another output"), e.getMessage());
        assertEquals(before, ScoreFixtures.snapshot(earlier), "left as it was");
    }

    @Test
    void whatAKilledReplaceLeftIsRepairedByTheNextRun(@TempDir Path tmp) throws Exception {
        Path in = ScoreFixtures.folder(tmp.resolve("in"), 3);
        Path out = tmp.resolve("scores");
        Path masks = tmp.resolve("masks");
        ScoreConfig config = ScoreConfig.builder().model(model).images(in.toString()).output(out.toString())
                .masks(masks.toString()).build();
        ScoreResult first = ScoreJob.run(config, spark);
        Map<String, String> outBefore = ScoreFixtures.snapshot(out);
        Set<String> rowsBefore = ScoreFixtures.rowKeys(spark, out);
        // killed between the two renames of a replace: the output is in its backup, the new versions still staged
        Files.move(out, tmp.resolve(".scores.old-" + UUID.randomUUID()));
        TinyDatasets.write(tmp.resolve(".scores.tmp-" + UUID.randomUUID()).resolve("part-x.parquet"), new byte[] {1});
        TinyDatasets.write(tmp.resolve(".masks.tmp-" + UUID.randomUUID()).resolve("m.png"), new byte[] {2});

        // a run that must not replace it finds it back in place, under the lock, before it checks
        IOException exists = assertThrows(IOException.class, () -> ScoreJob.run(config.toBuilder().masks(null).build(),
                spark));
        assertEquals("output file:" + out.toRealPath() + " already exists; set overwrite to replace it, resume to "
                + "continue it, or choose another path", exists.getMessage(), "the backup was put back first");
        assertEquals(outBefore, ScoreFixtures.snapshot(out));
        assertEquals(Set.of(), ScoreFixtures.hiddenSiblings(out), "backup, staging and lock gone");

        ScoreResult resumed = ScoreJob.run(config.toBuilder().resume(true).build(), spark);
        assertEquals(3, resumed.skipped(), "the restored output is the complete one");
        assertEquals(0, resumed.scored());
        assertEquals(rowsBefore, ScoreFixtures.rowKeys(spark, out));
        assertEquals(Set.of(), ScoreFixtures.hiddenSiblings(masks), "the masks' staging is gone too");
        assertEquals(resumed.runId(), marker(out).orElseThrow().runId());
        assertNotEquals(first.runId(), resumed.runId());
    }
}
