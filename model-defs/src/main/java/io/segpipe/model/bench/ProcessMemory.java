package io.segpipe.model.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's resident memory as Linux reports it: heap, off-heap arrays and native libraries together. */
public final class ProcessMemory {

    private ProcessMemory() {
    }

    /** Peak resident set so far (VmHWM), 0 where /proc is not available. */
    public static long peakResidentBytes() {
        return statusKilobytes("VmHWM:") * 1024;
    }

    /**
     * Restarts the peak (VmHWM) from the current resident set, so that a later
     * {@link #peakResidentBytes()} is the peak of what ran in between (Linux: "5" to clear_refs).
     *
     * @return false where the kernel does not allow it; the peak then stays the process's
     */
    public static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** Current resident set (VmRSS), 0 where /proc is not available. */
    public static long residentBytes() {
        return statusKilobytes("VmRSS:") * 1024;
    }

    /**
     * Minor page faults of the process so far (field 10 of /proc/self/stat): each is a page the
     * kernel mapped in on first touch, e.g. of a freshly mmapped malloc block. -1 where /proc is not
     * available.
     */
    public static long minorPageFaults() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // the fields after the command name, which is in parentheses and may hold spaces: state is field 3
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[10 - 3]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long statusKilobytes(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
