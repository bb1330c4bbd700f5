package io.segpipe.jobs.model;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.DelegateToFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local file system, except that the JVM dies ({@code Runtime.halt(137)}, as after SIGKILL: no
 * shutdown hook, no finally block) at the worst moment of replacing a directory: when a staged
 * directory ({@code .<name>.tmp-*}) is to be renamed to {@code <name>} after the old {@code <name>}
 * was renamed aside ({@code .<name>.old-*} exists). Scheme {@value #SCHEME}; {@link #register}
 * makes a Hadoop configuration resolve it.
 */
public final class HaltingFileSystem extends RawLocalFileSystem {

    public static final String SCHEME = "haltfs";
    /** Printed (and flushed) just before the halt. */
    public static final String HALTING = "HALTING";

    /**
     * Makes {@code conf} resolve {@value #SCHEME}:/ paths to this file system, through
     * {@code FileSystem} and through {@code FileContext} (which AtomicFs uses to replace files).
     */
    public static void register(Configuration conf) {
        conf.set("fs." + SCHEME + ".impl", HaltingFileSystem.class.getName());
        conf.setBoolean("fs." + SCHEME + ".impl.disable.cache", true);
        conf.set("fs.AbstractFileSystem." + SCHEME + ".impl", Context.class.getName());
    }

    /** The same file system for {@code FileContext}. */
    public static final class Context extends DelegateToFileSystem {
        public Context(URI uri, Configuration conf) throws IOException, URISyntaxException {
            super(uri, new HaltingFileSystem(), conf, SCHEME, false);
        }
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
    public boolean rename(Path src, Path dst) throws IOException {
        if (src.getName().startsWith("." + dst.getName() + ".tmp-") && oldVersionPutAside(dst)) {
            System.out.println(HALTING + " before renaming " + src + " to " + dst);
            System.out.flush();
            Runtime.getRuntime().halt(137);
        }
        return super.rename(src, dst);
    }

    private boolean oldVersionPutAside(Path target) throws IOException {
        for (FileStatus s : listStatus(target.getParent())) {
            if (s.getPath().getName().startsWith("." + target.getName() + ".old-")) {
                return true;
            }
        }
        return false;
    }
}
