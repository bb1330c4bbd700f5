package io.segpipe.jobs.registry;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.segpipe.prep.Hashes;

/**
 * The exclusive right of one run to change a registry: a {@code lock} file created only if absent,
 * holding the owner ({@link LockInfo}), refreshed by a heartbeat thread while the run holds it, and
 * deleted on {@link #close()}.
 *
 * <p><b>Stale locks.</b> A lock is stale when its last heartbeat is older than
 * {@link LockSettings#staleAfter()}, or at once when its holder ran on this host and its process is
 * gone. Breaking a stale lock renames it aside to a name derived from its content, so of several
 * runs that judged the same lock stale exactly one succeeds; a lock refreshed between the judgement
 * and the rename is put back. The winner then creates its own lock like any other run.
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
    private volatile LockInfo info;
    private volatile Instant lastConfirmed;
    private volatile String lost;
    private volatile boolean released;

    private RegistryLock(FileSystem fs, Path file, String root, LockSettings settings, LockInfo info, LockInfo broken) {
        this.fs = fs;
        this.file = file;
        this.root = root;
        this.settings = settings;
        this.info = info;
        this.broken = broken;
        this.lastConfirmed = info.heartbeat();
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
    static RegistryLock acquire(FileSystem fs, Path file, String root, String runId, LockSettings settings)
            throws IOException {
        LockInfo brokenHolder = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            LockInfo mine = LockInfo.current(runId, Instant.now());
            if (RegistryFs.createExclusive(fs, file, mine.toJson())) {
                LOG.info("Run {} holds the lock of registry {}", runId, root);
                return new RegistryLock(fs, file, root, settings, mine, brokenHolder);
            }
            Optional<String> content = RegistryFs.read(fs, file);
            if (content.isEmpty()) {
                continue; // released in between
            }
            LockInfo holder = parse(content.get());
            String staleBecause = holder == null ? unreadableStaleness(fs, file, root, settings)
                    : staleness(holder, settings.staleAfter(), Instant.now());
            if (staleBecause == null) {
                throw new RegistryLockedException(root, holder, settings.staleAfter());
            }
            if (breakStale(fs, file, content.get())) {
                LOG.warn("Broke the stale lock of registry {} held by {}: {}", root,
                        holder == null ? "an unreadable lock file" : holder.describe(), staleBecause);
                brokenHolder = holder;
            }
        }
        throw new IOException("could not acquire the lock of registry " + root + " in " + ATTEMPTS
                + " attempts: other runs keep taking it");
    }

    /**
     * Why {@code holder}'s lock is stale at {@code now}, or null when it is not.
     */
    static String staleness(LockInfo holder, Duration staleAfter, Instant now) {
        if (holder.holderProcessIsGone()) {
            return "its process " + holder.pid() + " on this host is gone";
        }
        Duration age = Duration.between(holder.heartbeat(), now);
        if (age.compareTo(staleAfter) > 0) {
            return "no heartbeat for " + LockSettings.format(age) + " (stale after " + LockSettings.format(staleAfter)
                    + ")";
        }
        return null;
    }

    private static String unreadableStaleness(FileSystem fs, Path file, String root, LockSettings settings)
            throws IOException {
        FileStatus st = fs.getFileStatus(file);
        Duration age = Duration.ofMillis(System.currentTimeMillis() - st.getModificationTime());
        if (age.compareTo(settings.staleAfter()) > 0) {
            return "unreadable lock file not modified for " + LockSettings.format(age);
        }
        throw new IOException("registry " + root + " is locked by an unreadable lock file " + file + " modified "
                + LockInfo.iso(Instant.ofEpochMilli(st.getModificationTime())) + " (stale after "
                + LockSettings.format(settings.staleAfter()) + ")");
    }

    private static boolean breakStale(FileSystem fs, Path file, String judged) throws IOException {
        Path aside = new Path(file.getParent(), "." + file.getName() + ".stale-"
                + Hashes.sha256Hex(judged).substring(0, 16));
        if (!RegistryFs.renameExclusive(fs, file, aside)) {
            return false; // another run is breaking the same lock, or it was released
        }
        Optional<String> moved = RegistryFs.read(fs, aside);
        if (moved.isPresent() && moved.get().equals(judged)) {
            RegistryFs.raw(fs).delete(aside, false);
            return true;
        }
        // Refreshed or replaced between the judgement and the rename: its holder is alive.
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
            LockInfo next = info.withHeartbeat(Instant.now());
            RegistryFs.replace(fs, file, next.toJson());
            info = next;
            lastConfirmed = next.heartbeat();
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
        Duration silent = Duration.between(lastConfirmed, Instant.now());
        if (silent.compareTo(settings.staleAfter()) > 0) {
            throw new IOException("run " + info.runId() + " has not refreshed the lock of registry " + root + " for "
                    + LockSettings.format(silent) + " (stale after " + LockSettings.format(settings.staleAfter())
                    + "); another run may break it at any moment, so this one stops");
        }
    }

    /** The holder as last written to the lock file. */
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
