package io.segpipe.jobs.registry;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

import io.segpipe.prep.Checks;
import io.segpipe.prep.Json;

/**
 * The content of the registry's {@code lock} file: who holds it and since when.
 *
 * @param runId         the run holding the lock (also its identity: a lock belongs to whoever has this run id)
 * @param host          host name of the holder
 * @param pid           process id of the holder
 * @param pidStartedAt  ISO-8601 start time of that process, or null; tells a reused pid from the holder
 * @param pidNamespace  the holder's Linux pid namespace ({@code /proc/self/ns/pid}), or null; two
 *                      containers that share a host name see different pids
 * @param acquiredAt    ISO-8601 UTC time the lock was acquired
 * @param heartbeatAt   ISO-8601 UTC time of the last refresh (= acquiredAt at first)
 */
public record LockInfo(String runId, String host, long pid, String pidStartedAt, String pidNamespace,
                       String acquiredAt, String heartbeatAt) {

    private static final String HOST = localHostName();
    private static final String PID_NAMESPACE = localPidNamespace();

    public LockInfo {
        Checks.notBlank("runId", runId);
        Checks.notBlank("host", host);
        Checks.notBlank("acquiredAt", acquiredAt);
        Checks.notBlank("heartbeatAt", heartbeatAt);
    }

    /** This process as the holder of {@code runId}, acquiring now. */
    public static LockInfo current(String runId, Instant now) {
        ProcessHandle self = ProcessHandle.current();
        String started = self.info().startInstant().map(Instant::toString).orElse(null);
        String t = iso(now);
        return new LockInfo(runId, HOST, self.pid(), started, PID_NAMESPACE, t, t);
    }

    /** The same holder with a new heartbeat time. */
    public LockInfo withHeartbeat(Instant now) {
        return new LockInfo(runId, host, pid, pidStartedAt, pidNamespace, acquiredAt, iso(now));
    }

    /** "run r1 (host h, pid 42)". */
    public String describe() {
        return "run " + runId + " (host " + host + ", pid " + pid + ")";
    }

    public Instant heartbeat() {
        return Instant.parse(heartbeatAt);
    }

    /**
     * True when the holder ran on this host, in this pid namespace, and its process is gone (or
     * the pid now belongs to a process started at another time). Always false for other hosts.
     */
    public boolean holderProcessIsGone() {
        if (!HOST.equals(host) || !Objects.equals(PID_NAMESPACE, pidNamespace)) {
            return false;
        }
        var handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return true;
        }
        if (pidStartedAt == null) {
            return false;
        }
        return handle.get().info().startInstant().map(s -> !s.toString().equals(pidStartedAt)).orElse(false);
    }

    public String toJson() {
        return Json.write(this);
    }

    public static LockInfo fromJson(String json) {
        return Json.read(json, LockInfo.class);
    }

    /** This host's name as locks record it. */
    public static String localHost() {
        return HOST;
    }

    /** ISO-8601 UTC with milliseconds, as every registry file writes times. */
    public static String iso(Instant t) {
        return t.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String env = System.getenv("HOSTNAME");
            return env == null || env.isBlank() ? "unknown-host" : env;
        }
    }

    private static String localPidNamespace() {
        try {
            return Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/ns/pid")).toString();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }
}
