package io.segpipe.jobs.cli;

import java.io.IOException;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;

/**
 * HOCON {@code include "name"} resolved relative to the including file wherever it lives
 * ({@code hdfs://nn/conf/train.conf} including {@code "models/unet.conf"} reads
 * {@code hdfs://nn/conf/models/unet.conf}); a name with a scheme is read from there.
 *
 * <p>HOCON's rules otherwise: a name without extension reads {@code name.conf}, {@code name.json}
 * and {@code name.properties}, the earlier winning where they overlap; a missing include is
 * skipped (with a warning here) unless written {@code include required("name")}.
 * {@code include file(...)}, {@code url(...)} and {@code classpath(...)} keep Typesafe Config's
 * own handling.
 */
final class HadoopIncluder implements ConfigIncluder {
    private static final Logger LOG = LoggerFactory.getLogger(HadoopIncluder.class);
    private static final List<String> EXTENSIONS = List.of(".conf", ".json", ".properties");

    private final Path includingFile;
    private final Configuration hadoop;

    HadoopIncluder(Path includingFile, Configuration hadoop) {
        this.includingFile = includingFile;
        this.hadoop = hadoop;
    }

    /** Typesafe Config's own includer is the fallback for file(), url() and classpath() includes only. */
    @Override
    public ConfigIncluder withFallback(ConfigIncluder fallback) {
        return this;
    }

    @Override
    public ConfigObject include(ConfigIncludeContext context, String what) {
        Path named = CliPaths.hasScheme(what) ? new Path(what) : new Path(includingFile.getParent(), what);
        Config merged = ConfigFactory.empty();
        boolean found = false;
        for (Path candidate : candidates(named)) {
            if (exists(candidate)) {
                merged = merged.withFallback(ConfigFiles.parse(candidate, hadoop));
                found = true;
            }
        }
        if (!found) {
            if (!context.parseOptions().getAllowMissing()) {
                throw new ConfigException.IO(origin(), "include required(\"" + what + "\"): " + named + " does not exist");
            }
            LOG.warn("{}: include \"{}\" skipped: {} does not exist (write include required(\"{}\") to make this an error)",
                    includingFile, what, named, what);
        }
        return merged.root();
    }

    private static List<Path> candidates(Path named) {
        String name = named.getName();
        if (EXTENSIONS.stream().anyMatch(name::endsWith)) {
            return List.of(named);
        }
        return EXTENSIONS.stream().map(ext -> named.suffix(ext)).toList();
    }

    private boolean exists(Path candidate) {
        FileSystem fs = CliPaths.fileSystem(candidate, hadoop, "included configuration file");
        try {
            return fs.isFile(candidate);
        } catch (IOException e) {
            throw new ConfigException.IO(origin(), "cannot read included file " + candidate + ": " + e.getMessage(), e);
        }
    }

    private ConfigOrigin origin() {
        return ConfigFactory.empty(includingFile.toString()).origin();
    }
}
