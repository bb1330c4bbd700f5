package io.segpipe.jobs.score;

import java.io.IOException;
import java.time.Duration;

import org.apache.hadoop.fs.Path;

import io.segpipe.jobs.registry.LockInfo;
import io.segpipe.jobs.registry.LockSettings;

/**
 * Another scoring run holds the lock of an output or masks folder ({@link OutputLock}), and the
 * lock is not stale: a second run on the same location stops before it changes anything.
 */
public final class OutputInUseException extends IOException {

    private final transient Path lockFile;
    private final transient LockInfo holder;

    OutputInUseException(String field, Path target, Path lockFile, LockInfo holder, Duration staleAfter) {
        super(field + " " + target + " is in use by " + holder.describe() + " since " + holder.acquiredAt()
                + " (lock " + lockFile + "); two runs on one " + field + " would overwrite each other's files. If that "
                + "run is dead, the lock is taken over as soon as its process on that host is gone, or after "
                + LockSettings.format(staleAfter) + " without a heartbeat (lockTimeoutSeconds); to clear it at once, "
                + "make sure no run uses the " + field + " and delete " + lockFile);
        this.lockFile = lockFile;
        this.holder = holder;
    }

    /** The lock file. */
    public Path lockFile() {
        return lockFile;
    }

    /** The run holding it, as its lock file says. */
    public LockInfo holder() {
        return holder;
    }
}
