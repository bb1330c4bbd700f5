package io.segpipe.prep.testkit;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one place tests and test-side benchmarks find the real datasets (CamVid in {@code camvid/},
 * the ISBI 2012 membranes in {@code isbi-membrane/}). The folder that holds them is, first found:
 * <ol>
 *   <li>the system property {@value #PROPERTY} ({@code mvn test -Dsegpipe.datasets=DIR});</li>
 *   <li>the environment variable {@value #ENV};</li>
 *   <li>{@code datasets/} in the repository root (ignored by git; a symbolic link works). The
 *       build passes the root as {@value #HOME_PROPERTY}; outside Maven it is the working
 *       directory.</li>
 * </ol>
 * Tests that need a dataset are skipped, not failed, where it is absent.
 */
public final class SharedData {

    /** System property naming the datasets folder. */
    public static final String PROPERTY = "segpipe.datasets";
    /** Environment variable naming the datasets folder, when the property is not set. */
    public static final String ENV = "SEGPIPE_DATASETS";
    /** The repository root, set by the build for the default folder {@code <root>/datasets}. */
    static final String HOME_PROPERTY = "segpipe.home";

    private SharedData() {
    }

    /** The folder that holds the datasets (it may not exist). */
    public static Path folder() {
        String dir = System.getProperty(PROPERTY);
        if (dir == null || dir.isBlank()) {
            dir = System.getenv(ENV);
        }
        if (dir == null || dir.isBlank()) {
            dir = Path.of(System.getProperty(HOME_PROPERTY, "."), "datasets").toString();
        }
        return Path.of(dir).toAbsolutePath().normalize();
    }

    /** {@code <folder>/<name>}, or skips the calling test when it does not exist. */
    public static Path requireDataset(String name) {
        Path dir = folder().resolve(name);
        Assumptions.assumeTrue(Files.isDirectory(dir), "dataset " + dir + " not present (set " + PROPERTY
                + " or " + ENV + " to the folder that holds it)");
        return dir;
    }
}
