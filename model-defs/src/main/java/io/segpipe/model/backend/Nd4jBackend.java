package io.segpipe.model.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

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
 * checks the CPU, the natives and the off-heap limit before any work starts.
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
    /** Native builds in the order we prefer them, per backend binding package. */
    private static final List<NativeBuild> KNOWN_BUILDS = List.of(
            new NativeBuild("CPU", "org/nd4j/linalg/cpu/nativecpu/bindings/", "-onednn-avx2"),
            new NativeBuild("CPU", "org/nd4j/linalg/cpu/nativecpu/bindings/", "-onednn"),
            new NativeBuild("CPU", "org/nd4j/linalg/cpu/nativecpu/bindings/", "-avx2"),
            new NativeBuild("CPU", "org/nd4j/linalg/cpu/nativecpu/bindings/", ""),
            new NativeBuild("CUDA", "org/nd4j/linalg/jcublas/bindings/", "-cudnn"),
            new NativeBuild("CUDA", "org/nd4j/linalg/jcublas/bindings/", ""));
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
        NativeBuild build = selectNativeBuild();
        requireCpuSupport(build.name(), cpuHasAvx2());
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
                StackVersions.dl4j());
        if (cpu && oneDnnAvailable && helpersEnabled && !engaged) {
            LOG.warn("oneDNN is in the natives but DL4J's helpers are not engaged: convolutions will be ~6x slower");
        }
        LOG.debug("ND4J backend: {}", loaded);
        return loaded;
    }

    /** Picks the packaged native build and tells JavaCPP, unless the user chose one. */
    private static NativeBuild selectNativeBuild() {
        String chosen = System.getProperty(PLATFORM_EXTENSION_PROPERTY);
        ClassLoader loader = Nd4jBackend.class.getClassLoader();
        for (NativeBuild build : KNOWN_BUILDS) {
            boolean packaged = loader.getResource(build.resourceDir()) != null;
            if (chosen != null ? chosen.equals(build.extension()) && packaged : packaged) {
                if (chosen == null) {
                    System.setProperty(PLATFORM_EXTENSION_PROPERTY, build.extension());
                }
                return build;
            }
        }
        throw new BackendException("No ND4J native library for " + PLATFORM
                + (chosen != null ? " with " + PLATFORM_EXTENSION_PROPERTY + "=" + chosen : "")
                + " is on the class path. Build with the default CPU profile (mvn package) or -Pcuda, "
                + "and run the shaded jar spark-jobs/target/segpipe-app.jar.");
    }

    /** Fails when the native build needs AVX2 and the CPU lacks it (the natives would crash with SIGILL). */
    static void requireCpuSupport(String nativeBuild, boolean cpuHasAvx2) {
        if (nativeBuild.contains("avx2") && !cpuHasAvx2) {
            throw new BackendException("This CPU has no AVX2, but segpipe was built with the " + nativeBuild
                    + " natives. Rebuild with -Dnd4j.classifier=linux-x86_64-onednn (oneDNN without AVX2) "
                    + "or run on an AVX2 machine.");
        }
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

    static boolean cpuHasAvx2() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(cpuinfo)) {
            return true; // not Linux: let the native loader decide
        }
        try (var lines = Files.lines(cpuinfo)) {
            return lines.filter(l -> l.startsWith("flags"))
                    .findFirst()
                    .map(l -> (" " + l.substring(l.indexOf(':') + 1) + " ").contains(" avx2 "))
                    .orElse(true);
        } catch (IOException e) {
            return true;
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

    /** One packaged native build: backend, binding resource folder and JavaCPP extension. */
    private record NativeBuild(String backend, String bindingPackage, String extension) {
        String name() {
            return PLATFORM + extension;
        }

        String resourceDir() {
            return bindingPackage + name() + "/";
        }
    }
}
