package io.segpipe.model.backend;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The checks behind the backend's one-line error messages. */
class Nd4jBackendChecksTest {
    private static final long MIB = 1L << 20;

    @Test
    void avx2BuildOnACpuWithoutAvx2NamesTheFix() {
        BackendException e = assertThrows(BackendException.class,
                () -> Nd4jBackend.requireCpuSupport("linux-x86_64-onednn-avx2", false));
        assertTrue(e.getMessage().contains("no AVX2"), e.getMessage());
        assertTrue(e.getMessage().contains("-Dnd4j.classifier=linux-x86_64-onednn"), e.getMessage());
        assertDoesNotThrow(() -> Nd4jBackend.requireCpuSupport("linux-x86_64-onednn", false));
        assertDoesNotThrow(() -> Nd4jBackend.requireCpuSupport("linux-x86_64-onednn-avx2", true));
    }

    @Test
    void tooLittleOffHeapNamesTheProperty() {
        BackendException e = assertThrows(BackendException.class,
                () -> Nd4jBackend.checkOffHeap(256 * MIB, 0, 1024 * MIB));
        assertTrue(e.getMessage().contains("256 MiB"), e.getMessage());
        assertTrue(e.getMessage().contains("org.bytedeco.javacpp.maxbytes"), e.getMessage());
    }

    @Test
    void processLimitBelowHeapPlusOffHeapNamesTheProperty() {
        BackendException e = assertThrows(BackendException.class,
                () -> Nd4jBackend.checkOffHeap(4096 * MIB, 1024 * MIB, 1024 * MIB));
        assertTrue(e.getMessage().contains("maxphysicalbytes=1024 MiB"), e.getMessage());
        assertDoesNotThrow(() -> Nd4jBackend.checkOffHeap(4096 * MIB, 0, 1024 * MIB));
        assertDoesNotThrow(() -> Nd4jBackend.checkOffHeap(4096 * MIB, 6144 * MIB, 1024 * MIB));
    }

    @Test
    void threadsComeFromTheSettingOrAllCores() {
        assertEquals(3, Nd4jBackend.parseThreads(" 3 ", "OMP_NUM_THREADS"));
        assertEquals(Runtime.getRuntime().availableProcessors(), Nd4jBackend.parseThreads(null, "OMP_NUM_THREADS"));
        BackendException zero = assertThrows(BackendException.class, () -> Nd4jBackend.parseThreads("0", "segpipe.nd4j.threads"));
        assertEquals("segpipe.nd4j.threads must be a whole number >= 1, found '0'", zero.getMessage());
        assertThrows(BackendException.class, () -> Nd4jBackend.parseThreads("two", "OMP_NUM_THREADS"));
    }

    @Test
    void threadsFollowTheTaskCores() {
        Nd4jBackend.init();
        int before = Nd4jBackend.threads();
        try {
            Nd4jBackend.setThreads(1);
            assertEquals(1, Nd4jBackend.threads());
        } finally {
            Nd4jBackend.setThreads(before);
        }
        assertThrows(IllegalArgumentException.class, () -> Nd4jBackend.setThreads(0));
    }
}
