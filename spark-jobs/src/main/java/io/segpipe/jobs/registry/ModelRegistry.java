package io.segpipe.jobs.registry;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.segpipe.jobs.model.ModelDirectory;
import io.segpipe.model.io.ModelFile;
import io.segpipe.model.io.UnsafeModelException;
import io.segpipe.prep.Json;
import io.segpipe.prep.fs.AtomicFs;

/**
 * A model registry on any Hadoop file system path (layout in the {@link io.segpipe.jobs.registry
 * package notes}): numbered, immutable versions; an atomically replaced pointer to the production
 * version; an append-only history of runs; and a lock so only one run changes it at a time.
 *
 * <p>Reading ({@link #production()}, {@link #versions()}, {@link #history()}) needs no lock and
 * never sees a half-written file. Every change takes the {@link RegistryLock} of the run making it
 * and checks first that the run still holds it.
 */
public final class ModelRegistry {

    public static final String FORMAT = "segpipe-registry";
    public static final int FORMAT_VERSION = 1;
    public static final String MARKER = "registry.json";
    public static final String POINTER = "production.json";
    public static final String LOCK = "lock";
    public static final String VERSIONS = "versions";
    public static final String HISTORY = "history";
    public static final String REPORTS = "reports";
    public static final String STAGING = "staging";
    public static final String VERSION_INFO = "version.json";

    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);
    private static final Pattern VERSION_DIR = Pattern.compile("v(\\d{6,})");
    private static final Pattern VERSION_TEXT = Pattern.compile("[vV]?(\\d+)");
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern HISTORY_FILE = Pattern.compile("\\d{8}T\\d{6}\\.\\d{3}Z-[A-Za-z0-9][A-Za-z0-9_.-]*\\.json");
    private static final DateTimeFormatter HISTORY_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final Set<String> LAYOUT = Set.of(MARKER, POINTER, LOCK, VERSIONS, HISTORY, REPORTS, STAGING);

    /** {@code registry.json}, written once when the first run takes the lock. */
    public record Marker(String format, int formatVersion, String createdAt) {
    }

    private final FileSystem fs;
    private final Path root;

    private ModelRegistry(FileSystem fs, Path root) {
        this.fs = fs;
        this.root = root;
    }

    /**
     * The registry at {@code root}; nothing is created until a run takes the lock.
     *
     * @throws IOException              when {@code root} holds something that is not a segpipe registry
     * @throws IllegalArgumentException when {@code root} is on a file system without atomic rename (S3A, …)
     */
    public static ModelRegistry open(String root, Configuration conf) throws IOException {
        Path p = new Path(root);
        RegistryFs.requireAtomicFileSystem(p);
        FileSystem fs = p.getFileSystem(conf);
        RegistryFs.requireAtomicFileSystem(fs.makeQualified(p)); // a scheme-less path on a default file system
        ModelRegistry registry = new ModelRegistry(fs, fs.makeQualified(p));
        registry.checkMarker();
        return registry;
    }

    /**
     * The existing registry at {@code root}, for readers and manual changes, which must not create one.
     *
     * @throws FileNotFoundException    when there is no registry at {@code root}
     * @throws IOException              naming the root when it cannot be read (unreachable file system, …) or
     *                                  holds something that is not a segpipe registry
     * @throws IllegalArgumentException when {@code root} is on a file system without atomic rename
     */
    public static ModelRegistry openExisting(String root, Configuration conf) throws IOException {
        Path p = new Path(root);
        RegistryFs.requireAtomicFileSystem(p);
        ModelRegistry registry;
        boolean exists;
        try {
            FileSystem fs = p.getFileSystem(conf);
            Path qualified = fs.makeQualified(p);
            RegistryFs.requireAtomicFileSystem(qualified);
            registry = new ModelRegistry(fs, qualified);
            exists = registry.exists();
        } catch (IOException e) {
            throw new IOException("cannot read model registry " + root + ": " + e.getMessage(), e);
        }
        if (!exists) {
            throw new FileNotFoundException("no model registry at " + registry.root() + " (no " + MARKER
                    + "; a registry is created by its first segpipe retrain run)");
        }
        registry.checkMarker();
        return registry;
    }

    /** The qualified root. */
    public String root() {
        return root.toString();
    }

    public FileSystem fileSystem() {
        return fs;
    }

    /** {@code v000003}. */
    public static String versionName(int version) {
        return String.format("v%06d", version);
    }

    /** The qualified directory of {@code version} (a model directory plus {@value #VERSION_INFO}). */
    public String versionPath(int version) {
        return new Path(new Path(root, VERSIONS), versionName(version)).toString();
    }

    /**
     * The version number {@code text} names: {@code v3}, {@code 3} or {@code v000003}.
     *
     * @throws IllegalArgumentException naming the text when it is none of these
     */
    public static int parseVersion(String text) {
        Matcher m = VERSION_TEXT.matcher(text == null ? "" : text.trim());
        if (!m.matches() || m.group(1).length() > 9 || Integer.parseInt(m.group(1)) < 1) {
            throw new IllegalArgumentException("a registry version is v<N> or <N> with N >= 1 (e.g. v3 or 3), found \""
                    + text + "\"");
        }
        return Integer.parseInt(m.group(1));
    }

    /** True when a registry exists at the root: a first run has taken the lock and written its marker. */
    public boolean exists() throws IOException {
        return fs.exists(new Path(root, MARKER));
    }

    /** A fresh run id: eight random hex digits. */
    public static String newRunId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** {@code runId} when it is usable in file names, else an exception naming it. */
    public static String requireRunId(String runId) {
        if (runId == null || !RUN_ID.matcher(runId).matches()) {
            throw new IllegalArgumentException("runId must be 1-64 letters, digits, '.', '_' or '-' starting with a "
                    + "letter or digit, found " + (runId == null ? "null" : "\"" + runId + "\""));
        }
        return runId;
    }

    // ---------------------------------------------------------------- lock

    /**
     * Takes the registry's lock for {@code runId} (breaking a stale one), creates the registry on
     * first use, and removes what killed runs left in the work area.
     *
     * @throws RegistryLockedException when another live run holds it
     */
    public RegistryLock lock(String runId, LockSettings settings) throws IOException {
        requireRunId(runId);
        requireRegistryOrEmpty();
        RegistryLock lock = RegistryLock.acquire(fs, new Path(root, LOCK), root(), runId, settings);
        try {
            if (!fs.exists(new Path(root, MARKER))) {
                AtomicFs.writeString(fs, new Path(root, MARKER),
                        Json.write(new Marker(FORMAT, FORMAT_VERSION, LockInfo.iso(Instant.now()))), false);
            }
            removeLeftovers(lock);
            return lock;
        } catch (IOException | RuntimeException e) {
            try {
                lock.close();
            } catch (IOException release) {
                e.addSuppressed(release);
            }
            throw e;
        }
    }

    /** The run's work area {@code staging/<runId>} (not created). */
    public Path stagingDir(RegistryLock lock) {
        return new Path(new Path(root, STAGING), lock.runId());
    }

    /** Where the run's evaluation reports go: {@code reports/<runId>} (not created). */
    public Path reportsDir(String runId) {
        return new Path(new Path(root, REPORTS), requireRunId(runId));
    }

    private void removeLeftovers(RegistryLock lock) throws IOException {
        lock.verifyHeld();
        Path staging = new Path(root, STAGING);
        if (fs.exists(staging)) {
            for (FileStatus s : fs.listStatus(staging)) {
                if (!s.getPath().getName().equals(lock.runId())) {
                    LOG.warn("Removing {} left by an interrupted run", s.getPath());
                    fs.delete(s.getPath(), true);
                }
            }
        }
        // Temporaries of the pointer, history records and the marker from a run killed while writing them.
        // The lock's and heartbeats' temporaries are written by runs racing for the lock, and by this
        // run's heartbeat thread: only one older than the stale timeout (on the file system's clock)
        // can be a killed run's.
        long staleBefore = RegistryFs.fileSystemNow(fs, root) - lock.settings().staleAfter().toMillis();
        for (Path dir : List.of(root, new Path(root, HISTORY))) {
            if (!fs.exists(dir)) {
                continue;
            }
            for (FileStatus s : fs.listStatus(dir)) {
                String n = s.getPath().getName();
                boolean ofTheLock = n.startsWith("." + LOCK + ".") || n.startsWith(".." + LOCK + ".");
                boolean racing = ofTheLock && s.getModificationTime() >= staleBefore;
                if (n.startsWith(".") && n.contains(".tmp-") && !racing) {
                    LOG.warn("Removing temporary {} left by an interrupted run", s.getPath());
                    fs.delete(s.getPath(), true);
                }
            }
        }
    }

    private void checkMarker() throws IOException {
        Optional<String> marker = RegistryFs.read(fs, new Path(root, MARKER));
        if (marker.isEmpty()) {
            return;
        }
        Marker m;
        try {
            m = Json.read(marker.get(), Marker.class);
        } catch (IllegalArgumentException e) {
            throw new IOException(new Path(root, MARKER) + ": " + e.getMessage(), e);
        }
        if (!FORMAT.equals(m.format())) {
            throw new IOException("not a segpipe model registry: " + new Path(root, MARKER) + " has format "
                    + m.format() + ", expected " + FORMAT);
        }
        if (m.formatVersion() > FORMAT_VERSION) {
            throw new IOException("registry " + root + " has format version " + m.formatVersion()
                    + " but this build handles up to " + FORMAT_VERSION + "; use a newer segpipe");
        }
    }

    private void requireRegistryOrEmpty() throws IOException {
        if (!fs.exists(root) || fs.exists(new Path(root, MARKER))) {
            return;
        }
        if (!fs.getFileStatus(root).isDirectory()) {
            throw new IOException("registry root " + root + " is a file");
        }
        List<String> foreign = Arrays.stream(fs.listStatus(root)).map(s -> s.getPath().getName())
                .filter(n -> !n.startsWith(".") && !LAYOUT.contains(n)).sorted().toList();
        if (!foreign.isEmpty()) {
            throw new IOException("registry root " + root + " is not empty and has no " + MARKER + " (found "
                    + String.join(", ", foreign.subList(0, Math.min(5, foreign.size())))
                    + "); choose an empty directory or an existing registry");
        }
    }

    // ---------------------------------------------------------------- versions

    /**
     * Registers the complete model directory {@code stagedModelDir} (on this registry's file
     * system, normally under {@link #stagingDir}) as the next version: writes {@value #VERSION_INFO}
     * into it and renames it to {@code versions/vNNNNNN}. The staged directory is consumed.
     *
     * @throws IOException when the lock is lost, the directory is not a complete model directory,
     *     or publishing fails (nothing is registered then)
     */
    public VersionInfo register(RegistryLock lock, Path stagedModelDir, VersionInfo.Details details) throws IOException {
        lock.verifyHeld();
        Path staged = fs.makeQualified(stagedModelDir);
        ModelDirectory.readInfo(staged.toString(), fs.getConf());
        String modelSha256 = ModelFile.sha256(ModelDirectory.readModelFile(fs, staged));
        int number = latestVersion().orElse(0) + 1;
        VersionInfo info = new VersionInfo(number, lock.runId(), LockInfo.iso(Instant.now()), modelSha256, details);
        AtomicFs.writeString(fs, new Path(staged, VERSION_INFO), info.toJson(), false);
        Path target = new Path(versionPath(number));
        fs.mkdirs(target.getParent());
        lock.verifyHeld();
        AtomicFs.publishDirectory(fs, staged, target, false);
        LOG.info("Registered {} in {}", info.name(), root);
        return info;
    }

    /**
     * The directory of registered {@code version}, after checking that its model file is the one
     * registered: the SHA-256 that {@value #VERSION_INFO} recorded at registration must equal the
     * one the model directory records (which {@link ModelDirectory} checks against the file when it
     * loads it), so a version whose files were replaced after registration is refused.
     *
     * @throws IOException naming the version when it is not registered or its model was replaced
     */
    public String verifiedVersionPath(int version) throws IOException {
        VersionInfo info = version(version).orElseThrow(() -> new FileNotFoundException("registry " + root
                + " has no version " + versionName(version)));
        Path dir = new Path(versionPath(version));
        if (info.modelSha256() != null) {
            String recorded = ModelDirectory.recordedSha256(fs, dir).orElse(null);
            if (!info.modelSha256().equals(recorded)) {
                throw new UnsafeModelException("registry " + root + " version " + versionName(version)
                        + ": its model directory records SHA-256 " + recorded + " but the version was registered with "
                        + info.modelSha256() + "; its files were replaced after registration, refusing to use it");
            }
        }
        return dir.toString();
    }

    /** The highest registered version number, if any. */
    public OptionalInt latestVersion() throws IOException {
        return versionNumbers().stream().mapToInt(Integer::intValue).max();
    }

    /** Every registered version, oldest first. */
    public List<VersionInfo> versions() throws IOException {
        List<VersionInfo> out = new ArrayList<>();
        for (int v : versionNumbers()) {
            out.add(version(v).orElseThrow(() -> new FileNotFoundException("version " + versionPath(v)
                    + " disappeared while listing")));
        }
        return out;
    }

    /** The {@value #VERSION_INFO} of {@code version}, or empty when it is not registered. */
    public Optional<VersionInfo> version(int version) throws IOException {
        Path file = new Path(versionPath(version), VERSION_INFO);
        Optional<String> json = RegistryFs.read(fs, file);
        if (json.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(VersionInfo.fromJson(json.get()));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private List<Integer> versionNumbers() throws IOException {
        Path dir = new Path(root, VERSIONS);
        if (!fs.exists(dir)) {
            return List.of();
        }
        List<Integer> out = new ArrayList<>();
        for (FileStatus s : fs.listStatus(dir)) {
            Matcher m = VERSION_DIR.matcher(s.getPath().getName());
            if (s.isDirectory() && m.matches()) {
                out.add(Integer.parseInt(m.group(1)));
            }
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    // ---------------------------------------------------------------- production pointer

    /** The production pointer, or empty before the first promotion. */
    public Optional<ProductionPointer> production() throws IOException {
        Path file = new Path(root, POINTER);
        Optional<String> json = RegistryFs.read(fs, file);
        if (json.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(ProductionPointer.fromJson(json.get()));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Points production at the registered {@code version}, replacing {@value #POINTER} with one
     * atomic rename.
     *
     * @throws IOException when the lock is lost or the version is not registered (the pointer is unchanged then)
     */
    public ProductionPointer promote(RegistryLock lock, int version, String reason) throws IOException {
        lock.verifyHeld();
        if (version(version).isEmpty()) {
            throw new FileNotFoundException("cannot promote " + versionName(version) + ": no registered version at "
                    + versionPath(version));
        }
        Optional<ProductionPointer> current = production();
        Integer previous = current.map(ProductionPointer::version).orElse(null);
        ProductionPointer pointer = new ProductionPointer(version, VERSIONS + "/" + versionName(version),
                lock.runId(), LockInfo.iso(Instant.now()), previous, reason,
                current.map(ProductionPointer::afterPromotion).orElse(List.of()));
        replacePointer(lock, pointer);
        return pointer;
    }

    /**
     * Points production back at the version it pointed to before the current one was promoted
     * ({@link ProductionPointer#earlierVersions()}), replacing {@value #POINTER} with one atomic rename.
     *
     * @throws IOException when the lock is lost, there is no production version or none before it,
     *     or that version is no longer registered (the pointer is unchanged then)
     */
    public ProductionPointer rollback(RegistryLock lock, String reason) throws IOException {
        lock.verifyHeld();
        ProductionPointer current = production().orElseThrow(() -> new FileNotFoundException("registry " + root
                + " has no production version to roll back"));
        if (current.earlierVersions().isEmpty()) {
            throw new IOException("cannot roll back registry " + root + ": production " + versionName(current.version())
                    + " was its first production version; promote the version you want instead");
        }
        int target = current.earlierVersions().get(0);
        if (version(target).isEmpty()) {
            throw new FileNotFoundException("cannot roll back registry " + root + " to " + versionName(target)
                    + ": no registered version at " + versionPath(target));
        }
        List<Integer> earlier = current.earlierVersions();
        ProductionPointer pointer = new ProductionPointer(target, VERSIONS + "/" + versionName(target), lock.runId(),
                LockInfo.iso(Instant.now()), current.version(), reason, earlier.subList(1, earlier.size()));
        replacePointer(lock, pointer);
        return pointer;
    }

    private void replacePointer(RegistryLock lock, ProductionPointer pointer) throws IOException {
        lock.verifyHeld();
        RegistryFs.replace(fs, new Path(root, POINTER), pointer.toJson());
        LOG.info("Production of {} is now {} (was {})", root, versionName(pointer.version()),
                pointer.previousVersion() == null ? "none" : versionName(pointer.previousVersion()));
    }

    // ---------------------------------------------------------------- history

    /**
     * Adds {@code record} as a new file {@code history/<finishedAt>-<runId>.json}; existing records
     * are never rewritten. Needs the run's lock object but not a live lock: a new uniquely named
     * file changes no shared state, so a run that lost its lock can still record its failure.
     */
    public Path append(RegistryLock lock, HistoryRecord record) throws IOException {
        if (!lock.runId().equals(record.runId())) {
            throw new IllegalArgumentException("history record of run " + record.runId() + " appended by run "
                    + lock.runId());
        }
        Path file = new Path(new Path(root, HISTORY), historyFileName(record));
        AtomicFs.writeString(fs, file, record.toJson(), false);
        return file;
    }

    /** {@code <finishedAt as yyyyMMddTHHmmss.SSSZ>-<runId>.json}. */
    public static String historyFileName(HistoryRecord record) {
        return HISTORY_TIME.format(Instant.parse(record.finishedAt())) + "-" + requireRunId(record.runId()) + ".json";
    }

    /** Every run's record, oldest first. */
    public List<HistoryRecord> history() throws IOException {
        Path dir = new Path(root, HISTORY);
        if (!fs.exists(dir)) {
            return List.of();
        }
        List<Path> files = Arrays.stream(fs.listStatus(dir)).map(FileStatus::getPath)
                .filter(p -> HISTORY_FILE.matcher(p.getName()).matches())
                .sorted(Comparator.comparing(Path::getName)).toList();
        List<HistoryRecord> out = new ArrayList<>(files.size());
        for (Path f : files) {
            String json = RegistryFs.read(fs, f).orElseThrow(() -> new FileNotFoundException(
                    "history record " + f + " disappeared while listing (history is append-only: who deleted it?)"));
            try {
                out.add(HistoryRecord.fromJson(json));
            } catch (IllegalArgumentException e) {
                throw new IOException(f + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "ModelRegistry[" + root + "]";
    }
}
