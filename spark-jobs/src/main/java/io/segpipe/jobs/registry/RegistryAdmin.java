package io.segpipe.jobs.registry;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.apache.hadoop.fs.Path;

import io.segpipe.jobs.model.InferenceDefaults;
import io.segpipe.jobs.model.ModelDirectory;
import io.segpipe.jobs.model.Provenance;
import io.segpipe.model.io.UnsafeModelException;

/**
 * What {@code segpipe registry} does once its arguments are parsed: list a registry's versions,
 * show one, and the two manual changes of its production pointer, promote and rollback. Each
 * change takes the registry lock ({@link ModelRegistry#lock}), so it never interleaves with a
 * retraining run, and is appended to the registry's history
 * ({@link HistoryRecord.Action#PROMOTE}, {@link HistoryRecord.Action#ROLLBACK}). A change that
 * cannot be made is refused before the lock is taken, and again under it, with one message; the
 * registry is then unchanged.
 */
public final class RegistryAdmin {

    private RegistryAdmin() {
    }

    /**
     * One version in a listing.
     *
     * @param version       number
     * @param name          {@code v000003}
     * @param production    it is the production version
     * @param createdAt     ISO-8601 UTC registration time
     * @param runId         the run that registered it
     * @param warmStartFrom the version its training started from, or null
     * @param dataset       the dataset it was trained on
     * @param evalSplit     the held-out split of {@code metrics}
     * @param metrics       its scalar metrics on that split at registration
     */
    public record VersionRow(int version, String name, boolean production, String createdAt, String runId,
                             Integer warmStartFrom, String dataset, String evalSplit, Map<String, Double> metrics) {

        static VersionRow of(VersionInfo info, Integer production) {
            return new VersionRow(info.version(), info.name(), Objects.equals(production, info.version()),
                    info.createdAt(), info.runId(), info.details().warmStartFrom(), info.details().dataset(),
                    info.details().evalSplit(), info.details().metrics());
        }
    }

    /**
     * A registry's versions, oldest first.
     *
     * @param registry   the qualified root
     * @param production the production pointer, or null before the first promotion
     * @param versions   every registered version
     */
    public record Listing(String registry, ProductionPointer production, List<VersionRow> versions) {
        public Listing {
            versions = List.copyOf(versions);
        }
    }

    /**
     * One version in detail.
     *
     * @param registry          the qualified root
     * @param path              the version's model directory
     * @param info              its {@value ModelRegistry#VERSION_INFO}
     * @param production        it is the production version
     * @param modelCheck        "verified" when its model is the one registered, else why not
     * @param architecture      the network's architecture
     * @param numClasses        classes it predicts
     * @param classes           their names
     * @param inputChannels     image channels it takes
     * @param inferenceDefaults how its training prepared input, or null when its directory predates recording it
     * @param training          how it was trained (seed, times, epochs, the epoch it holds)
     * @param history           the history records in which it was registered or became production
     */
    public record VersionDetails(String registry, String path, VersionInfo info, boolean production, String modelCheck,
                                 String architecture, int numClasses, List<String> classes, int inputChannels,
                                 InferenceDefaults inferenceDefaults, Provenance.Training training,
                                 List<HistoryRecord> history) {
        public VersionDetails {
            classes = List.copyOf(classes);
            history = List.copyOf(history);
        }
    }

    /**
     * A manual change of the production pointer.
     *
     * @param action      promote or rollback
     * @param registry    the qualified root
     * @param before      the production version before, or null
     * @param after       the production version after
     * @param changed     false when the version asked for already was production (nothing written)
     * @param runId       the id the change held the lock with, or null when nothing changed
     * @param reason      the reason recorded
     * @param historyFile the history record written, or null when nothing changed
     */
    public record Change(HistoryRecord.Action action, String registry, Integer before, int after, boolean changed,
                         String runId, String reason, String historyFile) {
    }

    /** Every version of {@code registry} with the production one marked. */
    public static Listing list(ModelRegistry registry) throws IOException {
        Optional<ProductionPointer> production = registry.production();
        Integer current = production.map(ProductionPointer::version).orElse(null);
        List<VersionRow> rows = new ArrayList<>();
        for (VersionInfo v : registry.versions()) {
            rows.add(VersionRow.of(v, current));
        }
        return new Listing(registry.root(), production.orElse(null), rows);
    }

    /**
     * Version {@code version} in detail. A version whose model was replaced after registration is
     * shown, with {@code modelCheck} saying so.
     *
     * @throws FileNotFoundException naming the versions there are when it is not registered
     */
    public static VersionDetails show(ModelRegistry registry, int version) throws IOException {
        VersionInfo info = requireRegistered(registry, version);
        String path = registry.versionPath(version);
        String check;
        try {
            registry.verifiedVersionPath(version);
            check = "verified";
        } catch (UnsafeModelException e) {
            check = e.getMessage();
        }
        ModelDirectory.Info model = ModelDirectory.readInfo(path, registry.fileSystem().getConf());
        boolean production = registry.production().map(p -> p.version() == version).orElse(false);
        List<HistoryRecord> history = registry.history().stream().filter(h -> concerns(h, version)).toList();
        return new VersionDetails(registry.root(), path, info, production, check, model.spec().architecture().name(),
                model.spec().numClasses(), model.classNames(), model.spec().inputChannels(), model.inferenceDefaults(),
                model.provenance().training(), history);
    }

    /** The record registered {@code version} or made it production. */
    private static boolean concerns(HistoryRecord h, int version) {
        boolean registered = Objects.equals(h.challengerVersion(), version);
        boolean becameProduction = Objects.equals(h.productionAfter(), version)
                && !Objects.equals(h.championVersion(), version);
        return registered || becameProduction;
    }

    /**
     * Points production at {@code version}, after checking that its model is the one registered.
     *
     * @param reason why, for the pointer and the history (null: "manual promotion by &lt;user&gt;")
     * @throws FileNotFoundException    when the version is not registered (naming the ones there are)
     * @throws UnsafeModelException     when its model was replaced after registration
     * @throws RegistryLockedException  when a run holds the registry
     */
    public static Change promote(ModelRegistry registry, int version, String reason, LockSettings settings)
            throws IOException {
        requireRegistered(registry, version);
        registry.verifiedVersionPath(version);
        Optional<ProductionPointer> current = registry.production();
        if (current.isPresent() && current.get().version() == version) {
            return unchanged(HistoryRecord.Action.PROMOTE, registry, version);
        }
        String why = reason != null ? reason : "manual promotion by " + user();
        try (RegistryLock lock = registry.lock(manualRunId("promote"), settings)) {
            Instant started = Instant.now();
            requireRegistered(registry, version);
            registry.verifiedVersionPath(version);
            Integer before = registry.production().map(ProductionPointer::version).orElse(null);
            ProductionPointer pointer = registry.promote(lock, version, why);
            return record(registry, lock, HistoryRecord.Action.PROMOTE, started, before, version, pointer);
        }
    }

    /**
     * Points production back at the version it pointed to before the current one
     * ({@link ModelRegistry#rollback}), after checking that version's model is the one registered.
     *
     * @param reason why, for the pointer and the history (null: "manual rollback by &lt;user&gt;")
     * @throws IOException naming the registry when there is no production version, none before it,
     *     or its model was replaced; {@link RegistryLockedException} when a run holds the registry
     */
    public static Change rollback(ModelRegistry registry, String reason, LockSettings settings) throws IOException {
        rollbackTarget(registry);
        String why = reason != null ? reason : "manual rollback by " + user();
        try (RegistryLock lock = registry.lock(manualRunId("rollback"), settings)) {
            Instant started = Instant.now();
            rollbackTarget(registry);
            Integer before = registry.production().map(ProductionPointer::version).orElse(null);
            ProductionPointer pointer = registry.rollback(lock, why);
            return record(registry, lock, HistoryRecord.Action.ROLLBACK, started, before, null, pointer);
        }
    }

    /** The version a rollback returns to, checked; fails as {@link ModelRegistry#rollback} would. */
    private static int rollbackTarget(ModelRegistry registry) throws IOException {
        Optional<ProductionPointer> production = registry.production();
        if (production.isEmpty()) {
            throw new FileNotFoundException("registry " + registry.root() + " has no production version to roll back; "
                    + ModelSource.holdings(registry.versions(), production));
        }
        ProductionPointer current = production.get();
        if (current.earlierVersions().isEmpty()) {
            throw new IOException("cannot roll back registry " + registry.root() + ": production "
                    + ModelRegistry.versionName(current.version()) + " was its first production version; promote the "
                    + "version you want instead");
        }
        int target = current.earlierVersions().get(0);
        registry.verifiedVersionPath(target);
        return target;
    }

    private static Change record(ModelRegistry registry, RegistryLock lock, HistoryRecord.Action action,
                                 Instant started, Integer before, Integer promoted, ProductionPointer pointer)
            throws IOException {
        HistoryRecord record = HistoryRecord.manual(action, lock.runId(), LockInfo.iso(started),
                LockInfo.iso(Instant.now()), LockInfo.localHost(), user(), pointer.reason(), before, promoted,
                pointer.version(), lock.brokenStaleLock().orElse(null));
        Path file = registry.append(lock, record);
        return new Change(action, registry.root(), before, pointer.version(), true, lock.runId(), pointer.reason(),
                file.toString());
    }

    private static Change unchanged(HistoryRecord.Action action, ModelRegistry registry, int version) {
        return new Change(action, registry.root(), version, version, false, null,
                ModelRegistry.versionName(version) + " already is production", null);
    }

    private static VersionInfo requireRegistered(ModelRegistry registry, int version) throws IOException {
        Optional<VersionInfo> info = registry.version(version);
        if (info.isEmpty()) {
            throw new FileNotFoundException("registry " + registry.root() + " has no version "
                    + ModelRegistry.versionName(version) + "; "
                    + ModelSource.holdings(registry.versions(), registry.production()));
        }
        return info.get();
    }

    /** A lock and history id naming what the change was: {@code promote-1a2b3c4d}. */
    private static String manualRunId(String action) {
        return action + "-" + ModelRegistry.newRunId();
    }

    private static String user() {
        return System.getProperty("user.name", "unknown");
    }
}
