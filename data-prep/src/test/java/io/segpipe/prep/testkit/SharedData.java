package io.segpipe.prep.testkit;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real datasets in ../shared/datasets (system property {@code segpipe.test.shared}, set by the
 * build). Tests that need them are skipped, not failed, where the folder is absent.
 */
public final class SharedData {

    private SharedData() {
    }

    /** {@code <shared>/datasets/<relative>}, or skips the calling test when it does not exist. */
    public static Path requireDataset(String relative) {
        String shared = System.getProperty("segpipe.test.shared", "../shared");
        Path dir = Path.of(shared, "datasets", relative).toAbsolutePath().normalize();
        Assumptions.assumeTrue(Files.isDirectory(dir), "shared dataset " + dir + " not present");
        return dir;
    }
}
