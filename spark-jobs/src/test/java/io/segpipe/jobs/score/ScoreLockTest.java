package io.segpipe.jobs.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.jobs.registry.LockInfo;
import io.segpipe.prep.testkit.LocalSpark;

/**
 * Two runs (or two resumes) on one output or masks folder cannot both proceed; a lock left by a
 * killed run does not block for ever; a run that lost its lock does not publish.
 */
@ExtendWith(LocalSpark.class)
class ScoreLockTest {

    @TempDir
    static Path shared;
    static String model;
    static SparkSession spark;
    private final ExecutorService background = Executors.newSingleThreadExecutor();

    @BeforeAll
    static void setUp() {
        spark = LocalSpark.session();
        FailingFileSystem.install(spark.sparkContext().hadoopConfiguration());
        model = ScoreFixtures.model(shared.resolve("model"));
    }

    @AfterEach
    void tearDown() {
        FailingFileSystem.reset();
        background.shutdownNow();
    }

    private static ScoreConfig config(Path in, Path out, Path masks) {
        return ScoreConfig.builder().model(model).images(FailingFileSystem.uri(in)).output(out.toString())
                .masks(masks == null ? null : masks.toString()).build();
    }

    private static String lockOf(Path target) throws IOException {
        return "file:" + target.getParent().toRealPath() + "/." + target.getFileName() + ".lock";
    }

    @Test
    void aSecondRunOrResumeOnTheSameOutputOrMasksStopsAtOnceNamingTheLockAndItsHolder(@TempDir Path tmp)
            throws Exception {
        Path in = ScoreFixtures.folder(tmp.resolve("in"), 4);
        Path out = tmp.resolve("scores");
        Path masks = tmp.resolve("masks");
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        FailingFileSystem.pauseOn("img1.png", reading, proceed);
        Future<ScoreResult> first = background.submit(() -> ScoreJob.run(config(in, out, masks), spark));
        assertTrue(reading.await(2, TimeUnit.MINUTES), "the first run is scoring");

        OutputInUseException overwrite = assertThrows(OutputInUseException.class,
                () -> ScoreJob.run(config(in, out, tmp.resolve("masks2")).toBuilder().overwrite(true).build(), spark));
        LockInfo holder = overwrite.holder();
        assertEquals("output file:" + out.toRealPath() + " is in use by " + holder.describe() + " since "
                + holder.acquiredAt() + " (lock " + lockOf(out) + "); two runs on one output would overwrite each "
                + "other's files. If that run is dead, the lock is taken over as soon as its process on that host is gone, "
                + "or after 10m without a heartbeat (lockTimeoutSeconds); to clear it at once, make sure no run uses the "
                + "output and delete " + lockOf(out), overwrite.getMessage());
        assertEquals(ProcessHandle.current().pid(), holder.pid());
        assertEquals(lockOf(out), overwrite.lockFile().toString());

        OutputInUseException resume = assertThrows(OutputInUseException.class,
                () -> ScoreJob.run(config(in, out, masks).toBuilder().resume(true).build(), spark));
        assertEquals(holder, resume.holder());
        OutputInUseException sameMasks = assertThrows(OutputInUseException.class,
                () -> ScoreJob.run(config(in, tmp.resolve("scores2"), masks).toBuilder().overwrite(true).build(), spark));
        // the masks folder may not exist yet (no mask written before the pause): resolve its parent
        assertTrue(sameMasks.getMessage().startsWith("masks file:" + masks.getParent().toRealPath().resolve(
                masks.getFileName()) + " is in use by "
                + holder.describe()), sameMasks.getMessage());
        assertFalse(Files.exists(tmp.resolve("scores2")), "refused before anything was written");
        assertFalse(Files.exists(tmp.resolve("masks2")));

        proceed.countDown();
        ScoreResult r = first.get(2, TimeUnit.MINUTES);
        assertEquals(4, r.scored());
        assertEquals(r.runId(), holder.runId(), "the holder named is the first run");
        assertEquals(4, ScoreFixtures.ids(spark, out).size(), "the refused runs changed nothing");
        assertEquals(Set.of(), ScoreFixtures.hiddenSiblings(out), "lock released");
        assertEquals(Set.of(), ScoreFixtures.hiddenSiblings(masks));
        assertEquals(Set.of(), ScoreFixtures.hiddenSiblings(tmp.resolve("scores2")));
    }

    @Test
    void aLockOfAKilledRunIsTakenOverAndALiveOneIsNot(@TempDir Path tmp) throws Exception {
        Path in = ScoreFixtures.folder(tmp.resolve("in"), 2);
        Path out = tmp.resolve("scores");
        Path lock = tmp.resolve(".scores.lock");
        ScoreConfig config = config(in, out, null).toBuilder().lockTimeoutSeconds(10).build();

        // another host's lock, refreshed moments ago: live
        LockInfo live = new LockInfo("other-run", "other-host", 4242, null, null, "2024-01-31T12:00:00Z",
                "2024-01-31T12:00:00Z");
        Files.writeString(lock, live.toJson(), StandardCharsets.UTF_8);
        OutputInUseException refused = assertThrows(OutputInUseException.class, () -> ScoreJob.run(config, spark));
        assertTrue(refused.getMessage().startsWith("output file:" + tmp.toRealPath() + "/scores is in use by run other-run "
                + "(host other-host, pid 4242) since 2024-01-31T12:00:00Z (lock " + lockOf(out) + ")"), refused.getMessage());
        assertTrue(refused.getMessage().contains("or after 10s without a heartbeat (lockTimeoutSeconds); to clear it at "
                + "once, make sure no run uses the output and delete " + lockOf(out)), refused.getMessage());
        assertFalse(Files.exists(out));

        // the same lock, not refreshed for an hour: its run was killed
        Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minus(1, ChronoUnit.HOURS)));
        assertEquals(2, ScoreJob.run(config, spark).scored());
        assertFalse(Files.exists(lock), "taken over, then released");

        // a lock of this host whose process is gone: stale at once, whatever its age
        Process gone = new ProcessBuilder("true").start();
        assertTrue(gone.waitFor(1, TimeUnit.MINUTES));
        LockInfo self = LockInfo.current("killed-run", Instant.now());
        LockInfo killed = new LockInfo("killed-run", self.host(), gone.pid(), null, self.pidNamespace(), self.acquiredAt(),
                self.heartbeatAt());
        Files.writeString(lock, killed.toJson(), StandardCharsets.UTF_8);
        assertEquals(2, ScoreJob.run(config.toBuilder().overwrite(true).build(), spark).scored());
        assertFalse(Files.exists(lock));
    }

    @Test
    void aRunThatLostItsLockDoesNotPublish(@TempDir Path tmp) throws Exception {
        Path in = ScoreFixtures.folder(tmp.resolve("in"), 3);
        Path out = tmp.resolve("scores");
        ScoreResult previous = ScoreJob.run(config(in, out, null), spark);
        Map<String, String> before = ScoreFixtures.snapshot(out);

        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        FailingFileSystem.pauseOn("img1.png", reading, proceed);
        Future<ScoreResult> overwrite = background.submit(() -> ScoreJob.run(config(in, out, null).toBuilder()
                .overwrite(true).build(), spark));
        assertTrue(reading.await(2, TimeUnit.MINUTES));
        // meanwhile its lock was judged stale and taken by another run
        Path lock = tmp.resolve(".scores.lock");
        LockInfo other = LockInfo.current("other-run", Instant.now());
        Files.writeString(lock, other.toJson(), StandardCharsets.UTF_8);
        proceed.countDown();

        Exception lost = assertThrows(Exception.class, () -> overwrite.get(2, TimeUnit.MINUTES));
        assertTrue(lost.getCause().getMessage().contains("lost the lock"), lost.getCause().getMessage());
        assertEquals(before, ScoreFixtures.snapshot(out), "the previous output stays");
        assertEquals(other.toJson(), Files.readString(lock), "the new holder's lock is left alone");
        assertEquals(previous.runId(), io.segpipe.prep.fs.CompletionMarker.read(
                org.apache.hadoop.fs.FileSystem.getLocal(new org.apache.hadoop.conf.Configuration()),
                new org.apache.hadoop.fs.Path(out.toUri())).orElseThrow().runId());
        Files.delete(lock);
    }
}
