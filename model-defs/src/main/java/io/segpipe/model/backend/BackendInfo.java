package io.segpipe.model.backend;

/**
 * What {@link Nd4jBackend#init()} found: the backend, its native build, whether the fast
 * convolution helpers are engaged, threads and memory limits.
 *
 * @param backend ND4J backend name as ND4J reports it: "CPU" or "CUDA"
 * @param nativeBuild the JavaCPP platform plus extension that was loaded, e.g. linux-x86_64-onednn-avx2
 * @param oneDnnAvailable the loaded libnd4j has oneDNN compiled in and switched on
 * @param helpersEnabled DL4J may create platform helpers (system property
 *     {@code org.eclipse.deeplearning4j.helpers.disable} is false)
 * @param oneDnnHelpersEngaged DL4J's oneDNN layer helpers pass their own support check, i.e. conv,
 *     batch-norm and pooling layers will run through oneDNN
 * @param cudnnNote how cuDNN is reached on this backend (empty on CPU)
 * @param threads ND4J / OpenMP threads per process
 * @param heapMaxBytes JVM heap limit
 * @param offHeapMaxBytes JavaCPP limit on ND4J's off-heap arrays ({@code org.bytedeco.javacpp.maxbytes})
 * @param physicalMaxBytes JavaCPP limit on the whole process's resident memory
 *     ({@code org.bytedeco.javacpp.maxphysicalbytes}, 0 = none)
 * @param physicalTotalBytes the machine's physical memory
 * @param physicalAvailableBytes physical memory available now
 * @param dl4jVersion DL4J/ND4J version on the class path
 * @param allocator the process's native allocator: "jemalloc" when it is loaded (preloaded by
 *     bin/segpipe and deploy/submit.sh where installed), else "glibc"
 */
public record BackendInfo(
        String backend,
        String nativeBuild,
        boolean oneDnnAvailable,
        boolean helpersEnabled,
        boolean oneDnnHelpersEngaged,
        String cudnnNote,
        int threads,
        long heapMaxBytes,
        long offHeapMaxBytes,
        long physicalMaxBytes,
        long physicalTotalBytes,
        long physicalAvailableBytes,
        String dl4jVersion,
        String allocator) {

    public boolean isCpu() {
        return "CPU".equalsIgnoreCase(backend);
    }
}
