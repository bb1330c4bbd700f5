package io.segpipe.model.backend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads ND4J the way segpipe needs it, once per JVM, and fails with one clear message when it
 * cannot. Call {@link #init()} before the first ND4J or DL4J use, on the driver and in every
 * Spark task (it is idempotent and cheap after the first call).
 *
 * <p>What it fixes (see docs/stack.md, "oneDNN helpers"): DL4J M2.1 never creates its oneDNN layer helpers
 * because {@code org.eclipse.deeplearning4j.helpers.disable} defaults to {@code true}; this class
 * sets it to {@code false} unless the user set it. The second half of the fix, the class DL4J's
 * support check looks for, is {@link org.nd4j.nativeblas.Nd4jCpu}. It also selects the native
 * build that was packaged (JavaCPP loads the plain build unless told the platform extension) and
 * checks the CPU, the natives and the off-heap limit before any work starts. Of the packaged
 * builds it loads the fastest this CPU runs: the AVX-512 build on an AVX-512 CPU, else the AVX2
 * one (each executor decides for its own CPU).
 */
public final class Nd4jBackend {
    /** DL4J's switch for oneDNN/cuDNN layer helpers; DL4J defaults it to "true" (disabled). */
    public static final String HELPERS_DISABLE_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";
    /** JavaCPP's choice among native builds of one platform, e.g. "-onednn-avx2". */
    public static final String PLATFORM_EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    /** ND4J threads per JVM when not set by {@link #setThreads(int)}; defaults to OMP_NUM_THREADS, then all cores. */
    public static final String THREADS_PROPERTY = "segpipe.nd4j.threads";
    /** Below this off-heap limit even the smallest model cannot train. */
    static final long MIN_OFF_HEAP_BYTES = 512L << 20;

    private static final Logger LOG = LoggerFactory.getLogger(Nd4jBackend.class);
    private static final String PLATFORM = "linux-x86_64";
    /** The CPU features libnd4j's AVX-512 builds are compiled for (Skylake-SP and later, AMD Zen 4 and later). */
    static final Set<String> AVX512_FLAGS = Set.of("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl");
    /** Native builds in the order we prefer them, per backend binding package, with the CPU flags each needs. */
    static final List<NativeBuild> KNOWN_BUILDS = List.of(
            new NativeBuild("CPU", "org/nd4j/linalg/cpu/nativecpu/bindings/", "-onednn-avx512", AVX512_FLAGS),
            new NativeBuild("CPU", "org/nd4j/linalg/cpu/nativecpu/bindings/", "-onednn-avx2", Set.of("avx2")),
            new NativeBuild("CPU", "org/nd4j/linalg/cpu/nativecpu/bindings/", "-onednn", Set.of()),
            new NativeBuild("CPU", "org/nd4j/linalg/cpu/nativecpu/bindings/", "-avx512", AVX512_FLAGS),
            new NativeBuild("CPU", "org/nd4j/linalg/cpu/nativecpu/bindings/", "-avx2", Set.of("avx2")),
            new NativeBuild("CPU", "org/nd4j/linalg/cpu/nativecpu/bindings/", "", Set.of()),
            new NativeBuild("CUDA", "org/nd4j/linalg/jcublas/bindings/", "-cudnn", Set.of()),
            new NativeBuild("CUDA", "org/nd4j/linalg/jcublas/bindings/", "", Set.of()));
    static final String CUDNN_NOTE = "DL4J M2.1 layers reach cuDNN only through org.deeplearning4j.cuda.* helper "
            + "classes, which no published M2.x artifact contains: DL4J's own conv/pool/BN layers run their "
            + "built-in im2col + cuBLAS path; libnd4j ops called directly (segpipe's custom layers) use the "
            + "cuDNN platform implementations of the -cudnn build.";

    private static volatile BackendInfo info;

    private Nd4jBackend() {
    }

    /**
     * Loads and checks the backend once.
     *
     * @return what was loaded
     * @throws BackendException when the CPU, the natives or the memory limits cannot work; the
     *     message says what to change
     */
    public static BackendInfo init() {
        BackendInfo current = info;
        if (current != null) {
            return current;
        }
        synchronized (Nd4jBackend.class) {
            if (info == null) {
                info = load();
            }
            return info;
        }
    }

    /**
     * Sets the threads ND4J, OpenMP (oneDNN) and OpenBLAS use in this JVM. In Spark, call it with
     * {@code spark.task.cpus} at the start of each task: with several task slots per executor,
     * one thread per task core beats one multi-threaded task (docs/stack.md, "Threads").
     */
    public static void setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("ND4J threads must be >= 1, found " + threads);
        }
        init();
        applyThreads(threads);
    }

    /** Current ND4J threads per JVM (OpenMP's, which oneDNN and libnd4j's loops use). */
    public static int threads() {
        init();
        return NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads();
    }

    private static BackendInfo load() {
        if (System.getProperty(HELPERS_DISABLE_PROPERTY) == null) {
            System.setProperty(HELPERS_DISABLE_PROPERTY, "false");
        }
        Set<String> cpuFlags = cpuFlags();
        ClassLoader loader = Nd4jBackend.class.getClassLoader();
        String chosen = System.getProperty(PLATFORM_EXTENSION_PROPERTY);
        NativeBuild build = selectNativeBuild(chosen, b -> loader.getResource(b.resourceDir()) != null, cpuFlags);
        if (chosen == null) {
            System.setProperty(PLATFORM_EXTENSION_PROPERTY, build.extension());
        }
        requireCpuSupport(build, cpuFlags);
        try {
            Nd4j.getBackend();
            Nd4j.create(1);
        } catch (Throwable t) {
            throw new BackendException("Could not load the ND4J native library " + build.name() + ": "
                    + rootMessage(t) + ". The natives are for linux-x86_64 with glibc; on another "
                    + "platform rebuild with -Djavacpp.platform=<platform> -Dnd4j.classifier=<platform>-onednn.", t);
        }
        checkOffHeap(Pointer.maxBytes(), Pointer.maxPhysicalBytes(), Runtime.getRuntime().maxMemory());
        String threadsProperty = System.getProperty(THREADS_PROPERTY);
        int threads = threadsProperty != null ? parseThreads(threadsProperty, THREADS_PROPERTY)
                : parseThreads(System.getenv("OMP_NUM_THREADS"), "OMP_NUM_THREADS");
        applyThreads(threads);

        String backend = Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend");
        boolean cpu = "CPU".equalsIgnoreCase(backend);
        boolean helpersEnabled = !Boolean.parseBoolean(System.getProperty(HELPERS_DISABLE_PROPERTY));
        boolean oneDnnAvailable = cpu && oneDnnAvailable();
        boolean engaged = cpu && helpersEnabled && BaseMKLDNNHelper.mklDnnEnabled();
        BackendInfo loaded = new BackendInfo(backend, build.name(), oneDnnAvailable, helpersEnabled, engaged,
                cpu ? "" : CUDNN_NOTE, threads, Runtime.getRuntime().maxMemory(), Pointer.maxBytes(),
                Pointer.maxPhysicalBytes(), Pointer.totalPhysicalBytes(), Pointer.availablePhysicalBytes(),
                StackVersions.dl4j(), allocator());
        if (cpu && oneDnnAvailable && helpersEnabled && !engaged) {
            LOG.warn("oneDNN is in the natives but DL4J's helpers are not engaged: convolutions will be ~6x slower");
        }
        LOG.debug("ND4J backend: {}", loaded);
        return loaded;
    }

    /**
     * The native build to load: the one the user chose ({@code chosen}, JavaCPP's platform
     * extension), else the first packaged build in {@link #KNOWN_BUILDS} this CPU can run (the
     * AVX-512 build on an AVX-512 CPU when it is packaged), else the first packaged one, which
     * {@link #requireCpuSupport} then refuses with a message.
     *
     * @param cpuFlags the CPU's feature flags; null where unknown (not Linux): every build counts as runnable
     */
    static NativeBuild selectNativeBuild(String chosen, Predicate<NativeBuild> packaged, Set<String> cpuFlags) {
        List<NativeBuild> available = KNOWN_BUILDS.stream()
                .filter(b -> (chosen == null || chosen.equals(b.extension())) && packaged.test(b)).toList();
        if (available.isEmpty()) {
            throw new BackendException("No ND4J native library for " + PLATFORM
                    + (chosen != null ? " with " + PLATFORM_EXTENSION_PROPERTY + "=" + chosen : "")
                    + " is on the class path. Build with the default CPU profile (mvn package) or -Pcuda, "
                    + "and run the shaded jar spark-jobs/target/segpipe-app.jar.");
        }
        for (NativeBuild b : available) {
            if (b.runsOn(cpuFlags)) {
                return b;
            }
            LOG.info("Not loading the packaged {} natives: this CPU lacks {}", b.name(), b.missing(cpuFlags));
        }
        return available.get(0);
    }

    /** Fails when the native build needs CPU features this CPU lacks (the natives would crash with SIGILL). */
    static void requireCpuSupport(NativeBuild build, Set<String> cpuFlags) {
        if (build.runsOn(cpuFlags)) {
            return;
        }
        if (build.cpuFlags().contains("avx2")) {
            throw new BackendException("This CPU has no AVX2, but segpipe was built with the " + build.name()
                    + " natives. Rebuild with -Dnd4j.classifier=linux-x86_64-onednn (oneDNN without AVX2) "
                    + "or run on an AVX2 machine.");
        }
        throw new BackendException("This CPU lacks " + build.missing(cpuFlags) + ", which the " + build.name()
                + " natives need" + (System.getProperty(PLATFORM_EXTENSION_PROPERTY) != null ? " (chosen by -D"
                + PLATFORM_EXTENSION_PROPERTY + ")" : "") + ". Choose another packaged build with -D"
                + PLATFORM_EXTENSION_PROPERTY + "=-onednn-avx2, or run on a CPU with them.");
    }

    /**
     * Fails when JavaCPP's limits leave ND4J too little off-heap memory.
     *
     * @param maxBytes org.bytedeco.javacpp.maxbytes in effect (JavaCPP defaults it to -Xmx)
     * @param maxPhysicalBytes org.bytedeco.javacpp.maxphysicalbytes in effect, 0 = no limit
     * @param heapMaxBytes -Xmx in effect
     */
    static void checkOffHeap(long maxBytes, long maxPhysicalBytes, long heapMaxBytes) {
        if (maxBytes > 0 && maxBytes < MIN_OFF_HEAP_BYTES) {
            throw new BackendException("ND4J's off-heap limit is " + mib(maxBytes) + " (org.bytedeco.javacpp.maxbytes,"
                    + " which defaults to -Xmx); segpipe needs at least " + mib(MIN_OFF_HEAP_BYTES)
                    + ". Set -Dorg.bytedeco.javacpp.maxbytes=4G (bin/segpipe: SEGPIPE_OFFHEAP=4G) and keep "
                    + "org.bytedeco.javacpp.maxphysicalbytes above heap + off-heap.");
        }
        if (maxPhysicalBytes > 0 && maxPhysicalBytes < heapMaxBytes + MIN_OFF_HEAP_BYTES) {
            throw new BackendException("The process memory limit org.bytedeco.javacpp.maxphysicalbytes="
                    + mib(maxPhysicalBytes) + " leaves no room for ND4J's off-heap arrays beside the " + mib(heapMaxBytes)
                    + " heap; set it above -Xmx + org.bytedeco.javacpp.maxbytes (bin/segpipe: SEGPIPE_MAXRSS).");
        }
    }

    /** Threads from a setting's text, all cores when unset; fails naming the setting when malformed. */
    static int parseThreads(String value, String source) {
        if (value == null || value.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int threads = Integer.parseInt(value.trim());
            if (threads >= 1) {
                return threads;
            }
        } catch (NumberFormatException ignored) {
            // reported below, naming the setting
        }
        throw new BackendException(source + " must be a whole number >= 1, found '" + value + "'");
    }

    /**
     * OpenMP (oneDNN, libnd4j loops), libnd4j's own thread pool and OpenBLAS. libnd4j's
     * Environment.setMaxThreads is a no-op in M2.1, so the master-thread limit is what bounds its pool.
     */
    private static void applyThreads(int threads) {
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
    }

    private static boolean oneDnnAvailable() {
        try {
            return org.nd4j.nativeblas.Nd4jCpu.Environment.getInstance().isUseMKLDNN();
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** "jemalloc" when the library is mapped into this process (/proc/self/maps), else "glibc". */
    static String allocator() {
        try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.anyMatch(l -> l.contains("libjemalloc")) ? "jemalloc" : "glibc";
        } catch (IOException | UncheckedIOException e) {
            return "glibc";
        }
    }

    /** The CPU's feature flags from /proc/cpuinfo; null where they cannot be read (not Linux). */
    static Set<String> cpuFlags() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(cpuinfo)) {
            return null;
        }
        try (var lines = Files.lines(cpuinfo)) {
            return lines.filter(l -> l.startsWith("flags"))
                    .findFirst()
                    .map(l -> Set.of(l.substring(l.indexOf(':') + 1).trim().split("\\s+")))
                    .orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** The root cause as "Class: message", like data-prep's {@code Errors.rootCauseMessage}, which model-defs cannot see. */
    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() != null ? ": " + root.getMessage() : "");
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%d MiB", bytes >> 20);
    }

    /** One native build: backend, binding resource folder, JavaCPP extension and the CPU flags it needs. */
    record NativeBuild(String backend, String bindingPackage, String extension, Set<String> cpuFlags) {
        String name() {
            return PLATFORM + extension;
        }

        String resourceDir() {
            return bindingPackage + name() + "/";
        }

        /** True when a CPU with {@code flags} (null: unknown) can run it. */
        boolean runsOn(Set<String> flags) {
            return flags == null || flags.containsAll(cpuFlags);
        }

        /** The flags it needs that {@code flags} lacks, sorted. */
        String missing(Set<String> flags) {
            return String.join(", ", new TreeSet<>(cpuFlags.stream().filter(f -> flags != null && !flags.contains(f)).toList()));
        }
    }
}
