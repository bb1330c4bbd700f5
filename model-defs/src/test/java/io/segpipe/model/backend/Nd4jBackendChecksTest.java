package io.segpipe.model.backend;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

/** The checks behind the backend's one-line error messages. */
class Nd4jBackendChecksTest {
    private static final long MIB = 1L << 20;

    private static Nd4jBackend.NativeBuild cpuBuild(String extension) {
        return Nd4jBackend.KNOWN_BUILDS.stream().filter(b -> b.backend().equals("CPU") && b.extension().equals(extension))
                .findFirst().orElseThrow();
    }

    private static final Set<String> ZEN4 = Set.of("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw",
            "avx512dq", "avx512vl", "avx512_bf16");
    private static final Set<String> HASWELL = Set.of("sse4_2", "avx", "avx2", "fma");
    private static final Set<String> OLD = Set.of("sse4_2", "avx");

    @Test
    void avx2BuildOnACpuWithoutAvx2NamesTheFix() {
        BackendException e = assertThrows(BackendException.class,
                () -> Nd4jBackend.requireCpuSupport(cpuBuild("-onednn-avx2"), OLD));
        assertTrue(e.getMessage().contains("no AVX2"), e.getMessage());
        assertTrue(e.getMessage().contains("-Dnd4j.classifier=linux-x86_64-onednn"), e.getMessage());
        assertDoesNotThrow(() -> Nd4jBackend.requireCpuSupport(cpuBuild("-onednn"), OLD));
        assertDoesNotThrow(() -> Nd4jBackend.requireCpuSupport(cpuBuild("-onednn-avx2"), HASWELL));
        assertDoesNotThrow(() -> Nd4jBackend.requireCpuSupport(cpuBuild("-onednn-avx2"), null), "unknown CPU: let it load");
        BackendException avx512 = assertThrows(BackendException.class,
                () -> Nd4jBackend.requireCpuSupport(cpuBuild("-onednn-avx512"), HASWELL));
        assertTrue(avx512.getMessage().startsWith("This CPU lacks avx512bw, avx512cd, avx512dq, avx512f, avx512vl, which the"
                + " linux-x86_64-onednn-avx512 natives need"), avx512.getMessage());
    }

    @Test
    void theFastestPackagedBuildTheCpuRunsIsChosen() {
        Predicate<Nd4jBackend.NativeBuild> both = b -> b.extension().equals("-onednn-avx512") || b.extension().equals("-onednn-avx2");
        Predicate<Nd4jBackend.NativeBuild> avx2Only = b -> b.extension().equals("-onednn-avx2");
        assertEquals("linux-x86_64-onednn-avx512", Nd4jBackend.selectNativeBuild(null, both, ZEN4).name());
        assertEquals("linux-x86_64-onednn-avx2", Nd4jBackend.selectNativeBuild(null, both, HASWELL).name(),
                "the AVX-512 natives would crash this CPU");
        assertEquals("linux-x86_64-onednn-avx2", Nd4jBackend.selectNativeBuild(null, avx2Only, ZEN4).name());
        assertEquals("linux-x86_64-onednn-avx2", Nd4jBackend.selectNativeBuild("-onednn-avx2", both, ZEN4).name(),
                "the user's choice wins");
        assertEquals("linux-x86_64-onednn-avx2", Nd4jBackend.selectNativeBuild(null, avx2Only, OLD).name(),
                "nothing runnable: the packaged one, which the CPU check then refuses");
        BackendException none = assertThrows(BackendException.class,
                () -> Nd4jBackend.selectNativeBuild("-avx512", both, ZEN4));
        assertTrue(none.getMessage().contains("with org.bytedeco.javacpp.platform.extension=-avx512"), none.getMessage());
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
