package io.segpipe.model.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ProcessMemoryTest {

    private static final long MB = 1 << 20;

    @Test
    void resetPeakForgetsMemoryReleasedBeforeItAndCountsWhatComesAfter() {
        assumeTrue(ProcessMemory.peakResidentBytes() > 0, "no /proc/self/status");
        long first = touchAndRelease(256 * MB);
        assumeTrue(ProcessMemory.resetPeak(), "the kernel refuses /proc/self/clear_refs");
        long afterReset = ProcessMemory.peakResidentBytes();

        assertTrue(afterReset < first - 128 * MB, "peak after reset " + afterReset + " should be far below " + first);
        long second = touchAndRelease(256 * MB);
        assertTrue(second > afterReset + 128 * MB, "peak counts what is touched after the reset: " + second
                + " vs " + afterReset);
    }

    @Test
    void minorPageFaultsCountEveryFreshPageTouched() {
        long before = ProcessMemory.minorPageFaults();
        assumeTrue(before >= 0, "no /proc/self/stat");
        touchAndRelease(64 * MB); // above any malloc mmap threshold: a fresh mapping, 16,384 pages of 4 KiB
        long faults = ProcessMemory.minorPageFaults() - before;
        // transparent huge pages could map it in 2 MiB faults: then at least 32
        long pages = 64 * MB / 4096;
        assertTrue(faults >= pages * 9 / 10 || faults >= 32 && faults < pages / 100,
                faults + " faults for 64 MB touched");
    }

    /** Writes {@code bytes} of off-heap memory, reads the peak while it is resident, then frees it. */
    private static long touchAndRelease(long bytes) {
        INDArray block = Nd4j.createUninitialized(DataType.BYTE, bytes);
        block.assign(1);
        long peak = ProcessMemory.peakResidentBytes();
        block.close();
        return peak;
    }
}
