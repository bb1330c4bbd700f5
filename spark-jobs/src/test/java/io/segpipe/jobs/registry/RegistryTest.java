package io.segpipe.jobs.registry;

import static io.segpipe.jobs.registry.RegistryFixtures.record;
import static io.segpipe.jobs.registry.RegistryFixtures.stageAndRegister;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.jobs.model.ModelDirectory;
import io.segpipe.prep.Hashes;

class RegistryTest {

    private static final LockSettings SETTINGS = LockSettings.staleAfter(Duration.ofMinutes(10));

    @TempDir
    Path tmp;
    private Path root;
    private ModelRegistry registry;

    @BeforeEach
    void setUp() throws IOException {
        root = tmp.resolve("registry");
        registry = ModelRegistry.open(root.toString(), new Configuration());
    }

    /** Every file under {@code dir} with its bytes and modification time, to show nothing changed. */
    private static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(f).toString(), Hashes.sha256Hex(Files.readAllBytes(f)) + "@"
                        + Files.getLastModifiedTime(f).toMillis());
            }
        }
        return out;
    }

    @Test
    void anEmptyRegistryHasNothingAndIsCreatedByTheFirstLock() throws IOException {
        assertEquals(Optional.empty(), registry.production());
        assertEquals(List.of(), registry.versions());
        assertEquals(List.of(), registry.history());
        assertFalse(Files.exists(root), "reading creates nothing");
        try (RegistryLock lock = registry.lock("first", SETTINGS)) {
            assertTrue(Files.isRegularFile(root.resolve(ModelRegistry.MARKER)));
        }
        assertTrue(Files.readString(root.resolve(ModelRegistry.MARKER)).contains("\"segpipe-registry\""));
    }

    @Test
    void versionsAreNumberedInOrderAndNeverChangedOncePublished() throws IOException {
        try (RegistryLock lock = registry.lock("run1", SETTINGS)) {
            VersionInfo v1 = stageAndRegister(registry, lock, 0.5);
            assertEquals(1, v1.version());
            assertEquals("v000001", v1.name());
            assertFalse(Files.exists(Path.of(registry.stagingDir(lock).toUri()).resolve("model")), "consumed");
            Map<String, String> before = snapshot(root.resolve("versions/v000001"));
            VersionInfo v2 = stageAndRegister(registry, lock, 0.6);
            VersionInfo v3 = stageAndRegister(registry, lock, 0.7);
            assertEquals(List.of(2, 3), List.of(v2.version(), v3.version()));
            assertEquals(before, snapshot(root.resolve("versions/v000001")), "v000001 untouched by later versions");

            // An incomplete directory is refused and takes no number.
            org.apache.hadoop.fs.Path bad = new org.apache.hadoop.fs.Path(registry.stagingDir(lock), "bad");
            Files.createDirectories(Path.of(bad.toUri()));
            IOException e = assertThrows(IOException.class,
                    () -> registry.register(lock, bad, RegistryFixtures.details(0.1)));
            assertTrue(e.getMessage().contains("not a complete segpipe model directory"), e.getMessage());
            assertEquals(3, registry.latestVersion().getAsInt());
        }
        List<VersionInfo> versions = registry.versions();
        assertEquals(List.of(1, 2, 3), versions.stream().map(VersionInfo::version).toList());
        assertEquals(0.6, versions.get(1).details().metrics().get("meanIoU"));
        assertEquals("run1", versions.get(2).runId());
        // Each version is a model directory evaluation and scoring can read as is.
        ModelDirectory.Info info = ModelDirectory.readInfo(registry.versionPath(2), new Configuration());
        assertEquals(4, info.spec().numClasses());
        assertEquals(Optional.empty(), registry.production(), "registering promotes nothing");
    }

    @Test
    void aVersionRecordsItsModelHashAndAReplacedModelIsRefused() throws IOException {
        VersionInfo v1;
        try (RegistryLock lock = registry.lock("run1", SETTINGS)) {
            v1 = stageAndRegister(registry, lock, 0.5);
        }
        Path dir = root.resolve("versions/v000001");
        assertEquals(Hashes.sha256Hex(Files.readAllBytes(dir.resolve(ModelDirectory.MODEL))), v1.modelSha256());
        assertEquals(v1, registry.version(1).orElseThrow(), "recorded in version.json");
        assertEquals(registry.versionPath(1), registry.verifiedVersionPath(1));

        // Someone replaces the model and its hash file consistently: the directory alone cannot tell,
        // the registration record can.
        byte[] other = Files.readAllBytes(dir.resolve(ModelDirectory.MODEL));
        other[other.length / 2] ^= 1;
        Files.write(dir.resolve(ModelDirectory.MODEL), other);
        Files.writeString(dir.resolve(ModelDirectory.MODEL_SHA256), Hashes.sha256Hex(other) + "  model.zip\n");
        Files.delete(dir.resolve(".model.zip.crc")); // Hadoop's local checksums would give the edit away first
        Files.delete(dir.resolve(".model.sha256.crc"));
        IOException e = assertThrows(IOException.class, () -> registry.verifiedVersionPath(1));
        assertTrue(e.getMessage().contains("version v000001") && e.getMessage().contains(v1.modelSha256())
                && e.getMessage().contains("replaced after registration"), e.getMessage());
        assertThrows(IOException.class, () -> registry.verifiedVersionPath(2), "an unregistered version");
    }

    @Test
    void promotionMovesThePointerAndRemembersThePreviousVersion() throws IOException {
        try (RegistryLock lock = registry.lock("run1", SETTINGS)) {
            stageAndRegister(registry, lock, 0.5);
            stageAndRegister(registry, lock, 0.6);
            ProductionPointer p1 = registry.promote(lock, 1, "first model");
            assertNull(p1.previousVersion());
            ProductionPointer p2 = registry.promote(lock, 2, "better");
            assertEquals(1, p2.previousVersion());
            assertEquals("versions/v000002", p2.path());
            assertEquals(p2, registry.production().orElseThrow());
            IOException e = assertThrows(IOException.class, () -> registry.promote(lock, 7, "no such version"));
            assertTrue(e.getMessage().startsWith("cannot promote v000007: no registered version at "), e.getMessage());
            assertEquals(2, registry.production().orElseThrow().version(), "pointer unchanged by a failed promotion");
        }
    }

    @Test
    void readersNeverSeeAMissingOrPartialPointer() throws Exception {
        try (RegistryLock lock = registry.lock("run1", SETTINGS)) {
            stageAndRegister(registry, lock, 0.5);
            stageAndRegister(registry, lock, 0.6);
            registry.promote(lock, 1, "start");
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicInteger reads = new AtomicInteger();
            ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
            ModelRegistry reader = ModelRegistry.open(root.toString(), new Configuration());
            Runnable read = () -> {
                while (writing.get()) {
                    try {
                        Optional<ProductionPointer> p = reader.production();
                        if (p.isEmpty()) {
                            problems.add("missing pointer");
                        } else if (p.get().version() != 1 && p.get().version() != 2) {
                            problems.add("pointer to " + p.get().version());
                        }
                        reads.incrementAndGet();
                    } catch (IOException | RuntimeException e) {
                        problems.add(e.toString());
                    }
                }
            };
            Thread r1 = new Thread(read);
            Thread r2 = new Thread(read);
            r1.start();
            r2.start();
            try {
                for (int i = 0; i < 200; i++) {
                    registry.promote(lock, 2 - i % 2, "flip " + i);
                }
            } finally {
                writing.set(false);
                r1.join();
                r2.join();
            }
            assertEquals(List.of(), List.copyOf(problems), "after " + reads.get() + " reads");
            assertTrue(reads.get() > 50, "readers ran concurrently: " + reads.get());
            assertEquals(1, registry.production().orElseThrow().version());
        }
        try (var s = Files.list(root)) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp-")).toList());
        }
    }

    @Test
    void historyIsAppendOnlyAndListedInTimeOrder() throws IOException {
        Instant t0 = Instant.parse("2025-03-01T10:00:00Z");
        try (RegistryLock lock = registry.lock("b2", SETTINGS)) {
            registry.append(lock, record("b2", t0.plusSeconds(3600), RunOutcome.KEPT, "not better"));
        }
        Map<String, String> first = snapshot(root.resolve(ModelRegistry.HISTORY));
        try (RegistryLock lock = registry.lock("a1", SETTINGS)) {
            registry.append(lock, record("a1", t0, RunOutcome.PROMOTED, "first model"));
            HistoryRecord again = record("a1", t0, RunOutcome.FAILED, "rewrite attempt");
            IOException e = assertThrows(IOException.class, () -> registry.append(lock, again));
            assertTrue(e.getMessage().contains("already exists"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> registry.append(lock, record("other", t0, RunOutcome.KEPT, "not mine")));
        }
        try (RegistryLock lock = registry.lock("c3", SETTINGS)) {
            registry.append(lock, record("c3", t0.plusSeconds(7200), RunOutcome.FAILED, "boom"));
        }
        Map<String, String> now = snapshot(root.resolve(ModelRegistry.HISTORY));
        first.forEach((name, content) -> assertEquals(content, now.get(name), name + " was rewritten"));
        List<HistoryRecord> history = registry.history();
        assertEquals(List.of("a1", "b2", "c3"), history.stream().map(HistoryRecord::runId).toList());
        assertEquals(List.of(RunOutcome.PROMOTED, RunOutcome.KEPT, RunOutcome.FAILED),
                history.stream().map(HistoryRecord::outcome).toList());
        assertEquals(record("a1", t0, RunOutcome.PROMOTED, "first model"), history.get(0), "JSON round trip");
        assertTrue(Files.exists(root.resolve("history/20250301T100000.000Z-a1.json")));
    }

    @Test
    void aRunFailingBetweenRegisterAndPromoteLeavesThePointerAndTheNextRunCleansUp() throws IOException {
        try (RegistryLock lock = registry.lock("good", SETTINGS)) {
            stageAndRegister(registry, lock, 0.5);
            registry.promote(lock, 1, "first");
        }
        byte[] pointer = Files.readAllBytes(root.resolve(ModelRegistry.POINTER));
        Path leftover;
        try (RegistryLock lock = registry.lock("doomed", SETTINGS)) {
            leftover = Path.of(registry.stagingDir(lock).toUri()).resolve("half-trained");
            Files.createDirectories(leftover);
            assertThrows(IllegalStateException.class, () -> {
                stageAndRegister(registry, lock, 0.9);
                throw new IllegalStateException("killed between register and promote");
            });
        }
        assertArrayEquals(pointer, Files.readAllBytes(root.resolve(ModelRegistry.POINTER)));
        assertEquals(2, registry.latestVersion().getAsInt(), "the challenger stays registered, not promoted");
        try (RegistryLock lock = registry.lock("next", SETTINGS)) {
            assertFalse(Files.exists(leftover), "the dead run's work area was removed");
            stageAndRegister(registry, lock, 0.95);
            registry.promote(lock, 3, "recovered");
        }
        assertEquals(3, registry.production().orElseThrow().version());
    }

    @Test
    void theLockHolderRemovesDeadTemporariesButNotThoseOfRunsRacingForTheLock() throws IOException {
        try (RegistryLock lock = registry.lock("first", SETTINGS)) {
            stageAndRegister(registry, lock, 0.5);
        }
        Path deadPointerWrite = Files.writeString(root.resolve(".production.json.tmp-dead"), "{");
        Path racingLockWrite = Files.writeString(root.resolve(".lock.tmp-racing"), "{}");
        Path deadLockWrite = Files.writeString(root.resolve(".lock.tmp-dead"), "{}");
        Files.setLastModifiedTime(deadLockWrite, java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() - SETTINGS.staleAfter().toMillis() - 60_000));
        try (RegistryLock lock = registry.lock("second", SETTINGS)) {
            assertFalse(Files.exists(deadPointerWrite), "a killed run's pointer temporary is removed");
            assertTrue(Files.exists(racingLockWrite), "a competing run's lock temporary is its own to remove");
            assertFalse(Files.exists(deadLockWrite), "a lock temporary older than the stale timeout is a killed run's");
        }
    }

    @Test
    void aDirectoryThatIsNotARegistryIsRefused() throws IOException {
        Files.createDirectories(root.resolve("part-00000.parquet"));
        IOException e = assertThrows(IOException.class, () -> registry.lock("r", SETTINGS));
        assertEquals("registry root " + registry.root() + " is not empty and has no registry.json (found "
                + "part-00000.parquet); choose an empty directory or an existing registry", e.getMessage());
        assertFalse(Files.exists(root.resolve(ModelRegistry.LOCK)));

        Path other = tmp.resolve("other");
        Files.createDirectories(other);
        Files.writeString(other.resolve(ModelRegistry.MARKER),
                "{\"format\": \"something-else\", \"formatVersion\": 1, \"createdAt\": \"x\"}");
        IOException notRegistry = assertThrows(IOException.class,
                () -> ModelRegistry.open(other.toString(), new Configuration()));
        assertTrue(notRegistry.getMessage().startsWith("not a segpipe model registry: "), notRegistry.getMessage());
    }

    @Test
    void runIdsMustBeUsableInFileNames() {
        assertEquals("2025-01-01_nightly.1", ModelRegistry.requireRunId("2025-01-01_nightly.1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelRegistry.requireRunId("../x"));
        assertTrue(e.getMessage().endsWith("found \"../x\""), e.getMessage());
        assertTrue(ModelRegistry.newRunId().matches("[0-9a-f]{8}"));
    }
}
