package io.segpipe.jobs.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.model.io.UnsafeModelException;
import io.segpipe.prep.Hashes;

/**
 * Manual changes of the production pointer (promote, rollback) and how jobs name a registry's
 * model ({@link ModelSource}): what each records, and every input that is refused with the
 * registry left as it was.
 */
class RegistryChangesTest {

    private static final LockSettings SETTINGS = LockSettings.staleAfter(Duration.ofMinutes(10));
    private static final Configuration CONF = new Configuration();

    @TempDir
    Path tmp;

    /** Every file under {@code dir} with its bytes, to show a refused change wrote nothing. */
    private static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(f).toString(), Hashes.sha256Hex(Files.readAllBytes(f)));
            }
        }
        return out;
    }

    private ModelRegistry registry(int versions, int promoted) throws IOException {
        return RegistryFixtures.registry(tmp.resolve("registry"), null, versions, promoted);
    }

    @Test
    void rollbacksWalkBackThroughThePromotions() throws IOException {
        ModelRegistry registry = registry(3, 3);
        assertEquals(List.of(2, 1), registry.production().orElseThrow().earlierVersions());
        try (RegistryLock lock = registry.lock("ops", SETTINGS)) {
            ProductionPointer back = registry.rollback(lock, "v3 misbehaves");
            assertEquals(2, back.version());
            assertEquals(3, back.previousVersion(), "previousVersion is the version it replaced");
            assertEquals(List.of(1), back.earlierVersions());
            assertEquals("v3 misbehaves", back.reason());
            assertEquals(1, registry.rollback(lock, "again").version(), "a second rollback goes further back");
            IOException first = assertThrows(IOException.class, () -> registry.rollback(lock, "once more"));
            assertEquals("cannot roll back registry " + registry.root() + ": production v000001 was its first "
                    + "production version; promote the version you want instead", first.getMessage());
            assertEquals(1, registry.production().orElseThrow().version(), "unchanged by the refused rollback");
            assertEquals(List.of(1), registry.promote(lock, 3, "fixed").earlierVersions());
        }
    }

    @Test
    void aPointerWrittenBeforeTheRollbackHistoryRollsBackToItsPreviousVersion() throws IOException {
        ModelRegistry registry = registry(2, 0);
        Files.writeString(tmp.resolve("registry").resolve(ModelRegistry.POINTER), """
                {"version": 2, "path": "versions/v000002", "runId": "old", "promotedAt": "2025-01-01T00:00:00Z",
                 "previousVersion": 1, "reason": "better"}""");
        ProductionPointer old = registry.production().orElseThrow();
        assertEquals(List.of(1), old.earlierVersions());
        assertEquals(old, ProductionPointer.fromJson(old.toJson()), "JSON round trip");
        try (RegistryLock lock = registry.lock("ops", SETTINGS)) {
            assertEquals(1, registry.rollback(lock, "back").version());
        }
    }

    @Test
    void aHistoryFileWrittenBeforeManualChangesReadsAsARetrainingRun() {
        HistoryRecord old = HistoryRecord.fromJson("""
                {"runId": "r1", "startedAt": "2025-01-01T00:00:00Z", "finishedAt": "2025-01-01T01:00:00Z",
                 "host": "h", "outcome": "PROMOTED", "reason": "first model", "metric": "meanIoU", "margin": 0.005,
                 "floor": null, "dataset": "file:/data", "datasetManifestSha256": "abc", "datasetSamples": 4,
                 "trainSplit": "train", "evalSplit": "val", "warmStartFrom": null, "championVersion": null,
                 "challengerVersion": 1, "productionAfter": 1, "championMetrics": {}, "challengerMetrics": {},
                 "seconds": {}, "reports": null, "brokeStaleLock": null, "error": null}""");
        assertEquals(HistoryRecord.Action.RETRAIN, old.action());
        assertEquals(0.005, old.margin());
        assertNull(old.user());
        assertEquals(old, HistoryRecord.fromJson(old.toJson()));
    }

    @Test
    void aManualPromotionIsRecordedUnderTheLock() throws IOException {
        ModelRegistry registry = registry(3, 1);
        RegistryAdmin.Change change = RegistryAdmin.promote(registry, 3, null, SETTINGS);
        assertTrue(change.changed());
        assertEquals(1, change.before());
        assertEquals(3, change.after());
        assertTrue(change.runId().startsWith("promote-"), change.runId());
        ProductionPointer pointer = registry.production().orElseThrow();
        assertEquals(3, pointer.version());
        assertEquals(change.runId(), pointer.runId());
        assertEquals("manual promotion by " + System.getProperty("user.name"), pointer.reason());
        HistoryRecord h = registry.history().get(registry.history().size() - 1);
        assertEquals(HistoryRecord.Action.PROMOTE, h.action());
        assertEquals(RunOutcome.PROMOTED, h.outcome());
        assertEquals(System.getProperty("user.name"), h.user());
        assertEquals(1, h.championVersion());
        assertEquals(3, h.challengerVersion());
        assertEquals(3, h.productionAfter());
        assertNull(h.metric());
        assertNull(h.margin());
        assertEquals(Path.of(java.net.URI.create(change.historyFile())).getFileName().toString(),
                ModelRegistry.historyFileName(h));
        assertFalse(Files.exists(tmp.resolve("registry").resolve(ModelRegistry.LOCK)), "lock released");

        // Promoting the production version again changes and records nothing.
        Map<String, String> before = snapshot(tmp.resolve("registry"));
        RegistryAdmin.Change again = RegistryAdmin.promote(registry, 3, "again", SETTINGS);
        assertFalse(again.changed());
        assertNull(again.historyFile());
        assertEquals(before, snapshot(tmp.resolve("registry")));
    }

    @Test
    void aManualRollbackIsRecordedWithTheGivenReason() throws IOException {
        ModelRegistry registry = registry(2, 2);
        RegistryAdmin.Change change = RegistryAdmin.rollback(registry, "v2 mislabels roads", SETTINGS);
        assertEquals(2, change.before());
        assertEquals(1, change.after());
        assertEquals("v2 mislabels roads", registry.production().orElseThrow().reason());
        HistoryRecord h = registry.history().get(registry.history().size() - 1);
        assertEquals(HistoryRecord.Action.ROLLBACK, h.action());
        assertEquals(RunOutcome.ROLLED_BACK, h.outcome());
        assertEquals("v2 mislabels roads", h.reason());
        assertEquals(2, h.championVersion());
        assertNull(h.challengerVersion());
        assertEquals(1, h.productionAfter());
    }

    @Test
    void refusedChangesNameTheProblemAndWriteNothing() throws IOException {
        ModelRegistry registry = registry(2, 1);
        Path root = tmp.resolve("registry");
        Map<String, String> before = snapshot(root);

        FileNotFoundException missing = assertThrows(FileNotFoundException.class,
                () -> RegistryAdmin.promote(registry, 7, null, SETTINGS));
        assertEquals("registry " + registry.root() + " has no version v000007; it has v000001, v000002 (production "
                + "v000001)", missing.getMessage());

        IOException first = assertThrows(IOException.class, () -> RegistryAdmin.rollback(registry, null, SETTINGS));
        assertTrue(first.getMessage().endsWith("production v000001 was its first production version; promote the "
                + "version you want instead"), first.getMessage());

        try (RegistryLock held = registry.lock("nightly", SETTINGS)) {
            RegistryLockedException locked = assertThrows(RegistryLockedException.class,
                    () -> RegistryAdmin.promote(registry, 2, "x", SETTINGS));
            assertTrue(locked.getMessage().contains("is locked by run nightly"), locked.getMessage());
        }
        assertEquals(before, snapshot(root), "nothing changed");

        RegistryFixtures.replaceModel(root, 2);
        Map<String, String> tampered = snapshot(root);
        UnsafeModelException unsafe = assertThrows(UnsafeModelException.class,
                () -> RegistryAdmin.promote(registry, 2, null, SETTINGS));
        assertTrue(unsafe.getMessage().contains("replaced after registration"), unsafe.getMessage());
        assertEquals(tampered, snapshot(root), "nothing but the tampering changed");

        ModelRegistry empty = ModelRegistry.open(tmp.resolve("empty").toString(), CONF);
        try (RegistryLock lock = empty.lock("init", SETTINGS)) {
            RegistryFixtures.stageAndRegister(empty, lock, 0.4);
        }
        FileNotFoundException none = assertThrows(FileNotFoundException.class,
                () -> RegistryAdmin.rollback(empty, null, SETTINGS));
        assertEquals("registry " + empty.root() + " has no production version to roll back; it has v000001 (none in "
                + "production)", none.getMessage());
    }

    @Test
    void aRollbackToAReplacedModelIsRefused() throws IOException {
        ModelRegistry registry = registry(2, 2);
        RegistryFixtures.replaceModel(tmp.resolve("registry"), 1);
        assertThrows(UnsafeModelException.class, () -> RegistryAdmin.rollback(registry, null, SETTINGS));
        assertEquals(2, registry.production().orElseThrow().version());
    }

    @Test
    void jobsNameTheProductionModelOrAVersion() throws IOException {
        ModelRegistry registry = registry(3, 2);
        String ref = ModelSource.PREFIX + tmp.resolve("registry");
        ModelSource production = ModelSource.resolve(ref, CONF);
        assertEquals(new ModelSource(registry.versionPath(2), registry.root(), 2), production);
        for (String version : List.of("@v3", "@3", "@v000003", "@V3")) {
            assertEquals(registry.versionPath(3), ModelSource.resolve(ref + version, CONF).path(), version);
        }
        assertEquals(ModelSource.directory("/models/unet"), ModelSource.resolve("/models/unet", CONF));
        assertEquals("registry " + registry.root() + " version v000002", production.describe());
    }

    @Test
    void unresolvableReferencesNameTheRegistryAndWhatItHolds() throws IOException {
        ModelRegistry registry = registry(2, 0);
        String ref = ModelSource.PREFIX + tmp.resolve("registry");
        FileNotFoundException noProduction = assertThrows(FileNotFoundException.class,
                () -> ModelSource.resolve(ref, CONF));
        assertEquals("registry " + registry.root() + " has no production model yet; it has v000001, v000002 (none in "
                + "production); name one as registry:" + registry.root() + "@v<N>", noProduction.getMessage());
        FileNotFoundException noVersion = assertThrows(FileNotFoundException.class,
                () -> ModelSource.resolve(ref + "@v9", CONF));
        assertEquals("registry " + registry.root() + " has no version v000009; it has v000001, v000002 (none in "
                + "production)", noVersion.getMessage());
        IllegalArgumentException badVersion = assertThrows(IllegalArgumentException.class,
                () -> ModelSource.resolve(ref + "@latest", CONF));
        assertEquals("model " + ref + "@latest: \"@latest\" is not a version; use " + ModelSource.SYNTAX,
                badVersion.getMessage());
        IllegalArgumentException noRoot = assertThrows(IllegalArgumentException.class,
                () -> ModelSource.resolve("registry:@v2", CONF));
        assertEquals("model registry:@v2 names no registry root; use " + ModelSource.SYNTAX, noRoot.getMessage());

        Path nothing = tmp.resolve("nothing");
        FileNotFoundException noRegistry = assertThrows(FileNotFoundException.class,
                () -> ModelSource.resolve(ModelSource.PREFIX + nothing, CONF));
        assertTrue(noRegistry.getMessage().startsWith("no model registry at file:" + nothing + " (no registry.json"),
                noRegistry.getMessage());
        assertFalse(Files.exists(nothing), "resolving creates nothing");

        RegistryFixtures.replaceModel(tmp.resolve("registry"), 1);
        assertThrows(UnsafeModelException.class, () -> ModelSource.resolve(ref + "@v1", CONF));
    }

    @Test
    void anUnreachableRegistryIsNamedInOneLine() {
        Configuration conf = new Configuration();
        conf.setInt("ipc.client.connect.max.retries", 0);
        conf.setInt("ipc.client.connect.max.retries.on.timeouts", 0);
        conf.setInt("ipc.client.connect.timeout", 2000);
        IOException e = assertThrows(IOException.class,
                () -> ModelSource.resolve("registry:hdfs://127.0.0.1:1/models/camvid@v2", conf));
        assertTrue(e.getMessage().startsWith("cannot read model registry hdfs://127.0.0.1:1/models/camvid: "),
                e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void versionsAreWrittenAsVNOrN() {
        assertEquals(3, ModelRegistry.parseVersion("v3"));
        assertEquals(3, ModelRegistry.parseVersion("3"));
        assertEquals(12, ModelRegistry.parseVersion("v000012"));
        for (String bad : List.of("v0", "three", "v-1", "", "v12345678901")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ModelRegistry.parseVersion(bad), bad);
            assertEquals("a registry version is v<N> or <N> with N >= 1 (e.g. v3 or 3), found \"" + bad + "\"",
                    e.getMessage());
        }
    }
}
