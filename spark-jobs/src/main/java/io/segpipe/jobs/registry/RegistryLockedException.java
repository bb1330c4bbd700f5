package io.segpipe.jobs.registry;

import java.io.IOException;
import java.time.Duration;

/** Another run holds the registry's lock and it is not stale. */
public final class RegistryLockedException extends IOException {

    private final transient LockInfo owner;

    RegistryLockedException(String root, LockInfo owner, Duration staleAfter) {
        super("registry " + root + " is locked by " + owner.describe() + " since " + owner.acquiredAt()
                + " (stale after " + LockSettings.format(staleAfter) + "); last heartbeat " + owner.heartbeatAt()
                + ". If that run is dead, wait for the lock to become stale or delete the lock file by hand");
        this.owner = owner;
    }

    /** The holder, as its lock file says. */
    public LockInfo owner() {
        return owner;
    }
}
