package io.segpipe.jobs.registry;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

import org.apache.hadoop.conf.Configuration;

import io.segpipe.model.io.UnsafeModelException;

/**
 * The model a job's {@code model} key names, resolved to a model directory. The key holds either
 * a model directory (any Hadoop path) or a model of a {@link ModelRegistry}:
 *
 * <pre>
 * registry:&lt;registry root&gt;        the registry's production version
 * registry:&lt;registry root&gt;@v3     version 3 (also {@code @3} or {@code @v000003})
 * </pre>
 *
 * e.g. {@code registry:hdfs:///models/camvid@v3}. A registry model resolves to its version's
 * directory only after the version's model hash is checked against its registration
 * ({@link ModelRegistry#verifiedVersionPath}). A registry that cannot be read, that does not exist,
 * has no production version or lacks the version asked for fails with one message naming the
 * root and what it holds; resolving writes nothing.
 *
 * @param path     the model directory to read
 * @param registry the qualified registry root, or null when {@code model} named a directory
 * @param version  the registry version, or null when {@code model} named a directory
 */
public record ModelSource(String path, String registry, Integer version) {

    /** What starts a registry reference. */
    public static final String PREFIX = "registry:";
    /** The reference syntax, for messages and documentation. */
    public static final String SYNTAX = PREFIX + "<registry root> (its production model) or " + PREFIX
            + "<registry root>@v<N> (version N)";

    /** True when {@code model} names a registry's model rather than a directory. */
    public static boolean isRegistry(String model) {
        return model != null && model.startsWith(PREFIX);
    }

    /** A model directory named directly. */
    public static ModelSource directory(String path) {
        return new ModelSource(path, null, null);
    }

    /** True when the model came from a registry. */
    public boolean fromRegistry() {
        return registry != null;
    }

    /** For messages: the registry and version, or the directory. */
    public String describe() {
        return fromRegistry() ? "registry " + registry + " version " + ModelRegistry.versionName(version) : path;
    }

    /**
     * Resolves a job's {@code model} value.
     *
     * @throws IllegalArgumentException when a registry reference is malformed
     * @throws IOException              naming the registry when it cannot be read, does not exist, has no
     *                                  production version, or lacks the version asked for or its model was
     *                                  replaced after registration
     */
    public static ModelSource resolve(String model, Configuration conf) throws IOException {
        if (!isRegistry(model)) {
            return directory(model);
        }
        Reference ref = Reference.parse(model);
        ModelRegistry registry = ModelRegistry.openExisting(ref.root(), conf);
        int version = ref.version() != null ? requireVersion(registry, ref.version()) : production(registry);
        try {
            return new ModelSource(registry.verifiedVersionPath(version), registry.root(), version);
        } catch (UnsafeModelException | FileNotFoundException e) {
            throw e;
        } catch (IOException e) {
            throw unreachable(registry.root(), e);
        }
    }

    /** A parsed {@code registry:<root>[@v<N>]}. */
    record Reference(String root, Integer version) {

        static Reference parse(String model) {
            String rest = model.substring(PREFIX.length()).trim();
            int at = rest.lastIndexOf('@');
            Integer version = null;
            // A trailing "@..." without a '/' after it is the version; an '@' inside the path stays.
            if (at >= 0 && rest.indexOf('/', at) < 0) {
                String text = rest.substring(at + 1);
                try {
                    version = ModelRegistry.parseVersion(text);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("model " + model + ": \"@" + text + "\" is not a version; use "
                            + SYNTAX, e);
                }
                rest = rest.substring(0, at);
            }
            if (rest.isBlank()) {
                throw new IllegalArgumentException("model " + model + " names no registry root; use " + SYNTAX);
            }
            return new Reference(rest, version);
        }
    }

    private static int production(ModelRegistry registry) throws IOException {
        Optional<ProductionPointer> production = read(registry, registry::production);
        if (production.isEmpty()) {
            List<VersionInfo> versions = read(registry, registry::versions);
            throw new FileNotFoundException("registry " + registry.root() + " has no production model yet; "
                    + holdings(versions, production)
                    + (versions.isEmpty() ? "" : "; name one as " + PREFIX + registry.root() + "@v<N>"));
        }
        return production.get().version();
    }

    private static int requireVersion(ModelRegistry registry, int version) throws IOException {
        if (read(registry, () -> registry.version(version)).isEmpty()) {
            throw new FileNotFoundException("registry " + registry.root() + " has no version "
                    + ModelRegistry.versionName(version) + "; "
                    + holdings(read(registry, registry::versions), read(registry, registry::production)));
        }
        return version;
    }

    /** "it has v000001, v000002 (production v000002)", or "it has no versions". */
    static String holdings(List<VersionInfo> versions, Optional<ProductionPointer> production) {
        List<String> names = versions.stream().map(VersionInfo::name).toList();
        if (names.isEmpty()) {
            return "it has no versions";
        }
        String listed = names.size() <= 6 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 2)) + ", ..., "
                        + String.join(", ", names.subList(names.size() - 3, names.size())) + " (" + names.size()
                        + " versions)";
        return "it has " + listed + production.map(p -> " (production " + ModelRegistry.versionName(p.version()) + ")")
                .orElse(" (none in production)");
    }

    private interface Read<T> {
        T get() throws IOException;
    }

    private static <T> T read(ModelRegistry registry, Read<T> read) throws IOException {
        try {
            return read.get();
        } catch (IOException e) {
            throw unreachable(registry.root(), e);
        }
    }

    private static IOException unreachable(String root, IOException e) {
        return new IOException("cannot read model registry " + root + ": " + e.getMessage(), e);
    }
}
