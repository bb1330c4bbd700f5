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

    /** Current resident set (VmRSS), 0 where /proc is not available. */
    public static long residentBytes() {
        return statusKilobytes("VmRSS:") * 1024;
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
