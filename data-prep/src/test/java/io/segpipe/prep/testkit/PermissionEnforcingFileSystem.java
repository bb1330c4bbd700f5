package io.segpipe.prep.testkit;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;

/**
 * The local file system as a user other than root sees it, for tests that run as root (where
 * {@code chmod 000} does not stop reads): opening a file whose owner-read bit is clear fails exactly
 * as the JDK reports it on Linux, {@code FileNotFoundException("<file> (Permission denied)")}.
 * Scheme {@value #SCHEME}; {@link #register} makes a Hadoop configuration resolve it.
 */
public final class PermissionEnforcingFileSystem extends RawLocalFileSystem {

    public static final String SCHEME = "permfile";

    /** Makes {@code conf} resolve {@value #SCHEME}:/ paths to this file system. */
    public static void register(Configuration conf) {
        conf.set("fs." + SCHEME + ".impl", PermissionEnforcingFileSystem.class.getName());
    }

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        File file = pathToFile(f);
        if (file.isFile() && !Files.getPosixFilePermissions(file.toPath()).contains(PosixFilePermission.OWNER_READ)) {
            throw new FileNotFoundException(file + " (Permission denied)");
        }
        return super.open(f, bufferSize);
    }
}
