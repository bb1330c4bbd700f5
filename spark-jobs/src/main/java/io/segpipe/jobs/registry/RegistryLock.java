package io.segpipe.jobs.registry;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.segpipe.prep.Hashes;

/**
 * The exclusive right of one run to change a registry: a {@code lock} file created only if absent,
 * holding the owner ({@link LockInfo}), kept alive by a heartbeat thread while the run holds it, and
 * deleted on {@link #close()}.
 *
 * <p><b>Heartbeat.</b> The lock file is written once, by create-if-absent, and never rewritten: the
 * heartbeat replaces a file of the holder's own beside it ({@code .lock.heartbeat-<id>}, the id
 * derived from the lock's content), so a heartbeat can never overwrite a lock that another run took
 * after breaking this one.
 *
 * <p><b>Stale locks.</b> A lock is stale when its holder's last sign of life — the newer
 * modification time of the lock file and of its heartbeat file — is older than
 * {@link LockSettings#staleAfter()}, measured on the file system's clock
 * ({@link RegistryFs#fileSystemNow}), so hosts whose clocks disagree judge the same age; or at once
 * when its holder ran on this host and its process is gone. Breaking a stale lock renames it aside,
 * so of several runs that judged the same lock stale exactly one succeeds; a lock whose heartbeat
 * moved between the judgement and the rename is put back. The winner then creates its own lock like
 * any other run.
 *
 * <p><b>Fencing.</b> {@link #verifyHeld()} re-reads the lock file; the registry calls it before every
 * change, so a run that was paused past the timeout and lost its lock fails instead of writing.
 */
public final class RegistryLock implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryLock.class);
    private static final int ATTEMPTS = 5;

    private final FileSystem fs;
    private final Path file;
    private final String root;
    private final LockSettings settings;
    private final LockInfo broken;
    private final ScheduledExecutorService heartbeat;
    private final LockInfo info;
    /** The lock file's content as this run created it: names its heartbeat file. */
    private final String lockContent;
    /** {@link System#nanoTime()} of the last confirmed heartbeat (this host's monotonic clock only). */
    private volatile long lastConfirmedNanos;
    private volatile String lost;
    private volatile boolean released;

    private RegistryLock(FileSystem fs, Path file, String root, LockSettings settings, LockInfo info, String lockContent,
                         LockInfo broken) {
        this.fs = fs;
        this.file = file;
        this.root = root;
        this.settings = settings;
        this.info = info;
        this.lockContent = lockContent;
        this.broken = broken;
        this.lastConfirmedNanos = System.nanoTime();
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "registry-lock-heartbeat-" + info.runId());
            t.setDaemon(true);
            return t;
        });
        long every = settings.heartbeatEvery().toNanos();
        heartbeat.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.NANOSECONDS);
    }

    /**
     * Takes the lock at {@code file} for {@code runId}, breaking it first when it is stale.
     *
     * @throws RegistryLockedException when another run holds it and it is not stale
     */
    public static RegistryLock acquire(FileSystem fs, Path file, String root, String runId, LockSettings settings)
            throws IOException {
        LockInfo brokenHolder = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            LockInfo mine = LockInfo.current(runId, Instant.now());
            String content = mine.toJson();
            if (RegistryFs.createExclusive(fs, file, content)) {
                LOG.info("Run {} holds the lock of registry {}", runId, root);
                return new RegistryLock(fs, file, root, settings, mine, content, brokenHolder);
            }
            Optional<String> held = RegistryFs.read(fs, file);
            if (held.isEmpty()) {
                continue; // released in between
            }
            LockInfo holder = parse(held.get());
            long lastSign = lastSignOfLife(fs, file, held.get());
            if (lastSign < 0) {
                continue; // released in between
            }
            Duration age = Duration.ofMillis(Math.max(0, RegistryFs.fileSystemNow(fs, file.getParent()) - lastSign));
            String staleBecause = holder == null ? unreadableStaleness(file, root, settings, age, lastSign)
                    : staleness(holder, settings.staleAfter(), age);
            if (staleBecause == null) {
                throw new RegistryLockedException(root, holder, settings.staleAfter());
            }
            if (breakStale(fs, file, held.get(), lastSign)) {
                LOG.warn("Broke the stale lock of registry {} held by {}: {}", root,
                        holder == null ? "an unreadable lock file" : holder.describe(), staleBecause);
                brokenHolder = holder;
            }
        }
        throw new IOException("could not acquire the lock of registry " + root + " in " + ATTEMPTS
                + " attempts: other runs keep taking it");
    }

    /**
     * Why {@code holder}'s lock is stale, or null when it is not.
     *
     * @param age time since the holder's last sign of life, on the file system's clock
     */
    static String staleness(LockInfo holder, Duration staleAfter, Duration age) {
        if (holder.holderProcessIsGone()) {
            return "its process " + holder.pid() + " on this host is gone";
        }
        if (age.compareTo(staleAfter) > 0) {
            return "no heartbeat for " + LockSettings.format(age) + " (stale after " + LockSettings.format(staleAfter)
                    + ")";
        }
        return null;
    }

    private static String unreadableStaleness(Path file, String root, LockSettings settings, Duration age,
                                              long modified) throws IOException {
        if (age.compareTo(settings.staleAfter()) > 0) {
            return "unreadable lock file not modified for " + LockSettings.format(age);
        }
        throw new IOException("registry " + root + " is locked by an unreadable lock file " + file + " modified "
                + LockInfo.iso(Instant.ofEpochMilli(modified)) + " (stale after "
                + LockSettings.format(settings.staleAfter()) + ")");
    }

    /** The heartbeat file of the lock whose content is {@code lockContent}: the holder's own file. */
    static Path heartbeatFile(Path lockFile, String lockContent) {
        return new Path(lockFile.getParent(), "." + lockFile.getName() + ".heartbeat-"
                + Hashes.sha256Hex(lockContent).substring(0, 16));
    }

    /**
     * The newer modification time of the lock file and of its holder's heartbeat file, on the file
     * system's clock; -1 when the lock file is gone.
     */
    private static long lastSignOfLife(FileSystem fs, Path file, String content) throws IOException {
        long lock = RegistryFs.modificationTime(fs, file);
        return lock < 0 ? -1 : Math.max(lock, RegistryFs.modificationTime(fs, heartbeatFile(file, content)));
    }

    private static boolean breakStale(FileSystem fs, Path file, String judged, long judgedLastSign)
            throws IOException {
        Path aside = new Path(file.getParent(), "." + file.getName() + ".stale-"
                + Hashes.sha256Hex(judged).substring(0, 16));
        if (!RegistryFs.renameExclusive(fs, file, aside)) {
            return false; // another run is breaking the same lock, or it was released
        }
        Optional<String> moved = RegistryFs.read(fs, aside);
        Path heartbeat = heartbeatFile(file, judged);
        if (moved.isPresent() && moved.get().equals(judged)
                && RegistryFs.modificationTime(fs, heartbeat) <= judgedLastSign) {
            RegistryFs.raw(fs).delete(aside, false);
            RegistryFs.raw(fs).delete(heartbeat, false);
            return true;
        }
        // Its heartbeat moved, or the lock was replaced, between the judgement and the rename: its holder is alive.
        if (RegistryFs.renameExclusive(fs, aside, file)) {
            LOG.warn("The lock {} was refreshed while being broken as stale; put it back", file);
        } else {
            LOG.error("Moved a live lock {} aside and a new lock appeared meanwhile; its holder will find the lock "
                    + "lost and stop before changing the registry", file);
            RegistryFs.raw(fs).delete(aside, false);
        }
        return false;
    }

    private static LockInfo parse(String content) {
        try {
            return LockInfo.fromJson(content);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean sameHolder(LockInfo a, LockInfo b) {
        return a != null && b != null && a.runId().equals(b.runId()) && a.host().equals(b.host()) && a.pid() == b.pid()
                && a.acquiredAt().equals(b.acquiredAt());
    }

    private void beat() {
        if (released || lost != null) {
            return;
        }
        try {
            LockInfo current = RegistryFs.read(fs, file).map(RegistryLock::parse).orElse(null);
            if (!sameHolder(current, info)) {
                lost = current == null ? "the lock file " + file + " was removed"
                        : "the lock file " + file + " now belongs to " + current.describe();
                LOG.error("Run {} lost the lock of registry {}: {}", info.runId(), root, lost);
                return;
            }
            long now = System.nanoTime();
            RegistryFs.replace(fs, heartbeatFile(file, lockContent), info.withHeartbeat(Instant.now()).toJson());
            lastConfirmedNanos = now;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Heartbeat of the lock of registry {} failed (will retry): {}", root, e.toString());
        }
    }

    /**
     * Fails unless this run still holds the lock: it was not released, not taken over, and its
     * last successful heartbeat is recent enough that nobody may have broken it.
     *
     * @throws IOException naming the registry and what happened to the lock
     */
    public void verifyHeld() throws IOException {
        if (released) {
            throw new IllegalStateException("the lock of registry " + root + " held by run " + info.runId()
                    + " was released");
        }
        if (lost != null) {
            throw new IOException("run " + info.runId() + " lost the lock of registry " + root + ": " + lost);
        }
        LockInfo current = RegistryFs.read(fs, file).map(RegistryLock::parse).orElse(null);
        if (!sameHolder(current, info)) {
            lost = current == null ? "the lock file " + file + " was removed"
                    : "the lock file " + file + " now belongs to " + current.describe();
            throw new IOException("run " + info.runId() + " lost the lock of registry " + root + ": " + lost);
        }
        Duration silent = Duration.ofNanos(System.nanoTime() - lastConfirmedNanos);
        if (silent.compareTo(settings.staleAfter()) > 0) {
            throw new IOException("run " + info.runId() + " has not refreshed the lock of registry " + root + " for "
                    + LockSettings.format(silent) + " (stale after " + LockSettings.format(settings.staleAfter())
                    + "); another run may break it at any moment, so this one stops");
        }
    }

    /** The holder, as written to the lock file. */
    public LockInfo info() {
        return info;
    }

    /** The run id holding this lock. */
    public String runId() {
        return info.runId();
    }

    /** The holder of a stale lock broken to acquire this one, if any (null for an unreadable lock file). */
    public Optional<LockInfo> brokenStaleLock() {
        return Optional.ofNullable(broken);
    }

    public LockSettings settings() {
        return settings;
    }

    /**
     * Stops the heartbeat and deletes the lock file if it is still this run's. Idempotent; a lock
     * taken over by another run is left alone.
     */
    @Override
    public void close() throws IOException {
        if (released) {
            return;
        }
        released = true;
        heartbeat.shutdown();
        try {
            if (!heartbeat.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("The lock heartbeat of run {} did not stop in 30 s", info.runId());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RegistryFs.raw(fs).delete(heartbeatFile(file, lockContent), false);
        LockInfo current = RegistryFs.read(fs, file).map(RegistryLock::parse).orElse(null);
        if (sameHolder(current, info)) {
            if (!RegistryFs.raw(fs).delete(file, false)) {
                throw new IOException("could not delete the lock file " + file + " of registry " + root);
            }
            LOG.info("Run {} released the lock of registry {}", info.runId(), root);
        } else {
            LOG.warn("Run {} did not delete the lock of registry {}: it is no longer its own ({})", info.runId(), root,
                    current == null ? "removed" : "held by " + current.describe());
        }
    }

    @Override
    public String toString() {
        return "RegistryLock[" + root + ", " + Objects.requireNonNull(info).describe() + "]";
    }
}
