package io.segpipe.jobs.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryLockTest {

    private static final LockSettings TEN_MINUTES = LockSettings.staleAfter(Duration.ofMinutes(10));

    @TempDir
    Path tmp;
    private ModelRegistry registry;
    private Path lockFile;

    @BeforeEach
    void setUp() throws IOException {
        registry = ModelRegistry.open(tmp.resolve("reg").toString(), new Configuration());
        lockFile = tmp.resolve("reg").resolve(ModelRegistry.LOCK);
    }

    private static void writeLock(Path file, LockInfo info) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, info.toJson());
    }

    /** A lock last touched at {@code modified} on the file system's clock, whatever its content says. */
    private static void writeLock(Path file, LockInfo info, Instant modified) throws IOException {
        writeLock(file, info);
        Files.setLastModifiedTime(file, FileTime.from(modified));
    }

    private List<String> strayFiles() throws IOException {
        try (var s = Files.list(lockFile.getParent())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".lock")).toList();
        }
    }

    @Test
    void ofManyRunsRacingForTheLockExactlyOneWins() throws Exception {
        int runs = 8;
        ExecutorService pool = Executors.newFixedThreadPool(runs);
        try {
            for (int round = 0; round < 5; round++) {
                CyclicBarrier start = new CyclicBarrier(runs);
                String prefix = "registry " + registry.root() + " is locked by run r" + round + "-";
                List<Future<RegistryLock>> attempts = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    String runId = "r" + round + "-" + i;
                    attempts.add(pool.submit(() -> {
                        start.await();
                        try {
                            return registry.lock(runId, TEN_MINUTES);
                        } catch (RegistryLockedException e) {
                            assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
                            return null;
                        }
                    }));
                }
                List<RegistryLock> winners = new ArrayList<>();
                for (Future<RegistryLock> f : attempts) {
                    if (f.get() != null) {
                        winners.add(f.get());
                    }
                }
                assertEquals(1, winners.size(), "round " + round + ": exactly one run holds the lock");
                RegistryLock winner = winners.get(0);
                assertEquals(winner.runId(), LockInfo.fromJson(Files.readString(lockFile)).runId());
                winner.verifyHeld();
                winner.close();
                assertFalse(Files.exists(lockFile));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(), strayFiles(), "no temporaries beside the lock");
    }

    @Test
    void aHeldLockIsReportedWithOwnerTimeAndTimeout() throws IOException {
        try (RegistryLock a = registry.lock("first", TEN_MINUTES)) {
            RegistryLockedException e = assertThrows(RegistryLockedException.class,
                    () -> registry.lock("second", TEN_MINUTES));
            LockInfo owner = a.info();
            assertTrue(e.getMessage().startsWith("registry " + registry.root() + " is locked by run first (host "
                    + LockInfo.localHost() + ", pid " + ProcessHandle.current().pid() + ") since "
                    + owner.acquiredAt() + " (stale after 10m)"), e.getMessage());
            assertEquals("first", e.owner().runId());
        }
        try (RegistryLock b = registry.lock("second", TEN_MINUTES)) {
            assertTrue(b.brokenStaleLock().isEmpty(), "a released lock is not broken");
        }
    }

    @Test
    void aLockWithoutHeartbeatForLongerThanTheTimeoutIsBroken() throws IOException {
        Instant hourAgo = Instant.now().minus(Duration.ofHours(1));
        writeLock(lockFile, new LockInfo("old", "some-other-host", 4242, null, null, hourAgo.toString(),
                hourAgo.toString()), hourAgo);
        try (RegistryLock lock = registry.lock("new", TEN_MINUTES)) {
            assertEquals("old", lock.brokenStaleLock().orElseThrow().runId());
            assertEquals("new", LockInfo.fromJson(Files.readString(lockFile)).runId());
        }
        assertEquals(List.of(), strayFiles(), "the broken lock is not left aside");
    }

    @Test
    void aRecentLockOfAnotherHostIsNotBroken() throws IOException {
        Instant minuteAgo = Instant.now().minus(Duration.ofMinutes(1));
        writeLock(lockFile, new LockInfo("busy", "some-other-host", 4242, null, null, minuteAgo.toString(),
                minuteAgo.toString()), minuteAgo);
        RegistryLockedException e = assertThrows(RegistryLockedException.class, () -> registry.lock("new", TEN_MINUTES));
        assertTrue(e.getMessage().contains("locked by run busy (host some-other-host, pid 4242) since "
                + minuteAgo + " (stale after 10m)"), e.getMessage());
        assertEquals("busy", LockInfo.fromJson(Files.readString(lockFile)).runId(), "left untouched");
        // With a shorter timeout the same lock is stale.
        try (RegistryLock lock = registry.lock("new", LockSettings.staleAfter(Duration.ofSeconds(30)))) {
            assertEquals("busy", lock.brokenStaleLock().orElseThrow().runId());
        }
    }

    @Test
    void aLockOfADeadProcessOnThisHostIsStaleAtOnce() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertEquals(0, p.waitFor());
        LockInfo self = LockInfo.current("x", Instant.now());
        LockInfo dead = new LockInfo("killed", LockInfo.localHost(), p.pid(), null, self.pidNamespace(),
                Instant.now().toString(), Instant.now().toString());
        assertTrue(dead.holderProcessIsGone());
        writeLock(lockFile, dead);
        try (RegistryLock lock = registry.lock("next", TEN_MINUTES)) {
            assertEquals("killed", lock.brokenStaleLock().orElseThrow().runId());
        }
    }

    @Test
    void processIdentityTellsLiveReusedAndForeignHolders() {
        Instant now = Instant.now();
        LockInfo self = LockInfo.current("me", now);
        assertFalse(self.holderProcessIsGone(), "this process is alive");
        assertNull(RegistryLock.staleness(self, Duration.ofMinutes(10), Duration.ofSeconds(60)));
        LockInfo reused = new LockInfo("me", self.host(), self.pid(), "2001-01-01T00:00:00Z", self.pidNamespace(),
                self.acquiredAt(), self.heartbeatAt());
        assertTrue(reused.holderProcessIsGone(), "same pid, other start time: the holder is gone");
        LockInfo otherNamespace = new LockInfo("me", self.host(), 999_999_999L, null, "pid:[1]", self.acquiredAt(),
                self.heartbeatAt());
        assertFalse(otherNamespace.holderProcessIsGone(), "a process in another pid namespace cannot be checked");
        LockInfo otherHost = new LockInfo("me", "elsewhere", 999_999_999L, null, self.pidNamespace(),
                self.acquiredAt(), self.heartbeatAt());
        assertFalse(otherHost.holderProcessIsGone());
        assertEquals("no heartbeat for 11m (stale after 10m)",
                RegistryLock.staleness(otherHost, Duration.ofMinutes(10), Duration.ofMinutes(11)));
    }

    @Test
    void theHeartbeatKeepsALongRunLocked() throws Exception {
        LockSettings fast = new LockSettings(Duration.ofMillis(1000), Duration.ofMillis(100));
        try (RegistryLock lock = registry.lock("long", fast)) {
            String created = Files.readString(lockFile);
            FileTime createdAt = Files.getLastModifiedTime(lockFile);
            Thread.sleep(2500);
            assertThrows(RegistryLockedException.class, () -> registry.lock("other", fast));
            Path heartbeat = Path.of(RegistryLock.heartbeatFile(new org.apache.hadoop.fs.Path(lockFile.toUri()), created)
                    .toUri());
            LockInfo beat = LockInfo.fromJson(Files.readString(heartbeat));
            assertEquals("long", beat.runId());
            assertNotEquals(beat.acquiredAt(), beat.heartbeatAt());
            assertTrue(Duration.between(beat.heartbeat(), Instant.now()).toMillis() < 1000, beat.heartbeatAt());
            assertEquals(created, Files.readString(lockFile), "the heartbeat never rewrites the lock file");
            assertEquals(createdAt, Files.getLastModifiedTime(lockFile), "the heartbeat never rewrites the lock file");
            lock.verifyHeld();
        }
        assertEquals(List.of(), strayFiles(), "the heartbeat file goes with the lock");
    }

    @Test
    void stalenessIsJudgedOnTheFileSystemsClockNotTheHoldersClaims() throws IOException {
        Instant now = Instant.now();
        // A holder whose clock runs an hour behind: its own heartbeat time says "an hour ago", but
        // the file system touched the lock just now. It is alive.
        writeLock(lockFile, new LockInfo("slow-clock", "some-other-host", 4242, null, null,
                now.minus(Duration.ofHours(1)).toString(), now.minus(Duration.ofHours(1)).toString()), now);
        assertThrows(RegistryLockedException.class, () -> registry.lock("new", TEN_MINUTES));
        // A holder whose clock runs a day ahead, silent for an hour on the file system's clock: stale.
        Files.delete(lockFile);
        writeLock(lockFile, new LockInfo("fast-clock", "some-other-host", 4242, null, null,
                now.plus(Duration.ofDays(1)).toString(), now.plus(Duration.ofDays(1)).toString()),
                now.minus(Duration.ofHours(1)));
        try (RegistryLock lock = registry.lock("new", TEN_MINUTES)) {
            assertEquals("fast-clock", lock.brokenStaleLock().orElseThrow().runId());
        }
    }

    @Test
    void aRecentHeartbeatFileKeepsAnOldLockAlive() throws IOException {
        Instant hourAgo = Instant.now().minus(Duration.ofHours(1));
        LockInfo holder = new LockInfo("beating", "some-other-host", 4242, null, null, hourAgo.toString(),
                hourAgo.toString());
        writeLock(lockFile, holder, hourAgo);
        Path heartbeat = Path.of(RegistryLock.heartbeatFile(new org.apache.hadoop.fs.Path(lockFile.toUri()),
                holder.toJson()).toUri());
        Files.writeString(heartbeat, holder.toJson()); // touched now
        assertThrows(RegistryLockedException.class, () -> registry.lock("new", TEN_MINUTES));
        Files.setLastModifiedTime(heartbeat, FileTime.from(hourAgo));
        try (RegistryLock lock = registry.lock("new", TEN_MINUTES)) {
            assertEquals("beating", lock.brokenStaleLock().orElseThrow().runId());
        }
        assertFalse(Files.exists(heartbeat), "the broken holder's heartbeat file is removed");
    }

    @Test
    void aRegistryOnAFileSystemWithoutAtomicRenameIsRefused() {
        for (String root : List.of("s3a://bucket/registry", "gs://bucket/registry", "abfs://c@acct.dfs.core.windows.net/r")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ModelRegistry.open(root, new Configuration()));
            assertTrue(e.getMessage().startsWith("registry " + root + ": the " + root.substring(0, root.indexOf(':'))
                    + " file system has no atomic rename or create-if-absent"), e.getMessage());
            assertTrue(e.getMessage().contains("HDFS"), e.getMessage());
        }
    }

    @Test
    void aRunWhoseLockWasTakenOverStopsAndLeavesTheNewLockAlone() throws Exception {
        LockSettings fast = new LockSettings(Duration.ofMillis(1000), Duration.ofMillis(100));
        RegistryLock lock = registry.lock("paused", fast);
        LockInfo usurper = new LockInfo("usurper", "elsewhere", 1, null, null, Instant.now().toString(),
                Instant.now().toString());
        Files.writeString(lockFile, usurper.toJson());
        IOException e = assertThrows(IOException.class, lock::verifyHeld);
        assertEquals("run paused lost the lock of registry " + registry.root() + ": the lock file "
                + registry.root() + "/lock now belongs to run usurper (host elsewhere, pid 1)", e.getMessage());
        assertThrows(IOException.class, () -> registry.promote(lock, 1, "should not happen"));
        Thread.sleep(300); // heartbeats must not overwrite the new holder's lock
        assertEquals(usurper, LockInfo.fromJson(Files.readString(lockFile)));
        lock.close();
        assertEquals(usurper, LockInfo.fromJson(Files.readString(lockFile)), "close leaves another run's lock");
    }

    @Test
    void closeIsIdempotentAndAClosedLockCannotBeUsed() throws IOException {
        RegistryLock lock = registry.lock("once", TEN_MINUTES);
        lock.close();
        lock.close();
        assertFalse(Files.exists(lockFile));
        assertThrows(IllegalStateException.class, lock::verifyHeld);
    }

    @Test
    void theGenericRenamePathCreatesOnlyIfAbsent() throws IOException {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        org.apache.hadoop.fs.Path a = new org.apache.hadoop.fs.Path(tmp.resolve("g/a").toUri());
        org.apache.hadoop.fs.Path b = new org.apache.hadoop.fs.Path(tmp.resolve("g/b").toUri());
        RegistryFs.forceGeneric = true;
        try {
            assertTrue(RegistryFs.createExclusive(fs, a, "one"));
            assertFalse(RegistryFs.createExclusive(fs, a, "two"));
            assertEquals("one", RegistryFs.read(fs, a).orElseThrow());
            assertTrue(RegistryFs.createExclusive(fs, b, "bee"));
            assertFalse(RegistryFs.renameExclusive(fs, a, b));
            assertEquals("bee", RegistryFs.read(fs, b).orElseThrow());
            assertTrue(fs.delete(b, false));
            assertTrue(RegistryFs.renameExclusive(fs, a, b));
            assertEquals("one", RegistryFs.read(fs, b).orElseThrow());
            assertFalse(RegistryFs.renameExclusive(fs, a, b), "source gone");
        } finally {
            RegistryFs.forceGeneric = false;
        }
        try (var s = Files.list(tmp.resolve("g"))) {
            assertEquals(List.of("b"), s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")).toList());
        }
    }

    @Test
    void settingsAreValidatedAndPrinted() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LockSettings(Duration.ofSeconds(10), Duration.ofSeconds(6)));
        assertTrue(e.getMessage().startsWith("heartbeatEvery must be > 0 and at most half of staleAfter (10s)"),
                e.getMessage());
        assertEquals("staleAfter must be > 0, found 0ms",
                assertThrows(IllegalArgumentException.class, () -> LockSettings.staleAfter(Duration.ZERO)).getMessage());
        assertEquals(Duration.ofMinutes(2), LockSettings.DEFAULT.heartbeatEvery());
        assertEquals("1h30m", LockSettings.format(Duration.ofMinutes(90)));
        assertEquals("45s", LockSettings.format(Duration.ofSeconds(45)));
        assertEquals("2m5s", LockSettings.format(Duration.ofSeconds(125)));
        assertEquals("250ms", LockSettings.format(Duration.ofMillis(250)));
    }
}
