package io.segpipe.jobs.registry;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a registry lock lives without a heartbeat, and how often its holder refreshes it.
 *
 * <p>A lock whose last heartbeat is older than {@code staleAfter} is considered abandoned (its
 * holder was killed, or lost the file system) and the next run breaks it. Trade-off: a short
 * timeout frees the registry soon after a crash, but a holder paused for longer than it (a long GC,
 * a suspended VM) loses the lock; it notices before its next change to the registry and fails
 * instead of overwriting the new holder's work. Ages are measured on the file system's clock (the
 * modification times it assigns), so hosts' clocks need not agree. A lock whose holder ran on this
 * host and whose process is gone is stale at once, whatever the timeout.
 *
 * @param staleAfter     age of the last heartbeat after which the lock may be broken, > 0
 * @param heartbeatEvery how often the holder refreshes the lock, > 0 and at most half of {@code staleAfter}
 */
public record LockSettings(Duration staleAfter, Duration heartbeatEvery) {

    /** Ten minutes, refreshed every two. */
    public static final LockSettings DEFAULT = staleAfter(Duration.ofMinutes(10));

    public LockSettings {
        Objects.requireNonNull(staleAfter, "staleAfter");
        Objects.requireNonNull(heartbeatEvery, "heartbeatEvery");
        if (staleAfter.isNegative() || staleAfter.isZero()) {
            throw new IllegalArgumentException("staleAfter must be > 0, found " + format(staleAfter));
        }
        if (heartbeatEvery.isNegative() || heartbeatEvery.isZero()
                || heartbeatEvery.multipliedBy(2).compareTo(staleAfter) > 0) {
            throw new IllegalArgumentException("heartbeatEvery must be > 0 and at most half of staleAfter ("
                    + format(staleAfter) + ") so that one late heartbeat does not make the lock stale, found "
                    + format(heartbeatEvery));
        }
    }

    /** {@code staleAfter} with a heartbeat every fifth of it. */
    public static LockSettings staleAfter(Duration staleAfter) {
        Objects.requireNonNull(staleAfter, "staleAfter");
        return new LockSettings(staleAfter, staleAfter.dividedBy(5));
    }

    /** A duration as people write it: {@code 1h30m}, {@code 10m}, {@code 45s}, {@code 250ms}. */
    public static String format(Duration d) {
        if (d.isNegative()) {
            return "-" + format(d.negated());
        }
        if (d.toMillis() < 1000) {
            return d.toMillis() + "ms";
        }
        long s = d.toSeconds();
        StringBuilder b = new StringBuilder();
        if (s >= 3600) {
            b.append(s / 3600).append('h');
        }
        if (s % 3600 >= 60) {
            b.append(s % 3600 / 60).append('m');
        }
        if (s % 60 != 0 || b.isEmpty()) {
            b.append(s % 60).append('s');
        }
        return b.toString();
    }
}
