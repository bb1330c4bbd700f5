package io.segpipe.jobs.cli;

import java.io.IOException;
import java.nio.file.Files;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;

import io.segpipe.prep.fs.HadoopFiles;

/**
 * Configuration files on any Hadoop file system: finding the file {@code --conf} names, and
 * parsing it (HOCON, or JSON for {@code .json}) with its {@code include}s read through Hadoop too
 * ({@link HadoopIncluder}). Typesafe Config itself reads only local files, URLs and class path
 * resources, so the text is read here and parsed from a string.
 */
final class ConfigFiles {

    private ConfigFiles() {
    }

    /**
     * The configuration file {@code given} names, qualified with its file system.
     *
     * <p>With a scheme it must exist there. Without one it is a local path; when it is not there,
     * a file of the same name in the working directory is taken: spark-submit {@code --files} puts
     * shipped files there in the driver's container (YARN, Kubernetes cluster mode), so
     * {@code --files conf/train.conf ... --conf conf/train.conf} works in both deploy modes.
     *
     * @throws UserException naming the path and the fix when there is no such file
     */
    static Path locate(String given, Configuration hadoop) {
        return locate(given, hadoop, java.nio.file.Path.of("").toAbsolutePath());
    }

    /** As {@link #locate(String, Configuration)} with the working directory given. */
    static Path locate(String given, Configuration hadoop, java.nio.file.Path workDir) {
        if (CliPaths.hasScheme(given)) {
            Path path = new Path(given);
            FileSystem fs = CliPaths.fileSystem(path, hadoop, "configuration file");
            try {
                if (fs.isFile(path)) {
                    return fs.makeQualified(path);
                }
            } catch (IOException e) {
                throw new UserException("cannot read configuration file " + given + ": " + e.getMessage(), e);
            }
            throw new UserException("configuration file " + given + " does not exist on " + fs.getUri()
                    + ": copy it there (hdfs dfs -put " + path.getName() + " " + given + ") or fix the path");
        }
        java.nio.file.Path local = java.nio.file.Path.of(given);
        if (Files.isRegularFile(local)) {
            return CliPaths.resolve(given);
        }
        java.nio.file.Path shipped = local.getFileName() == null ? null : workDir.resolve(local.getFileName());
        if (shipped != null && Files.isRegularFile(shipped)) {
            return CliPaths.resolve(shipped.toString());
        }
        throw new UserException("configuration file " + given + " does not exist on this machine, nor as "
                + local.getFileName() + " in the working directory " + workDir + " (where spark-submit --files puts it): "
                + "fix the path, ship the file with spark-submit --files, or give a path on a shared file system "
                + "(--conf hdfs:///...)");
    }

    /** Parses {@code file} (HOCON, or JSON/properties by extension) with its includes. */
    static Config parse(Path file, Configuration hadoop) {
        FileSystem fs = CliPaths.fileSystem(file, hadoop, "configuration file");
        String text;
        try {
            text = HadoopFiles.readString(fs, file);
        } catch (IOException e) {
            throw new UserException("cannot read configuration file " + file + ": " + e.getMessage(), e);
        }
        ConfigParseOptions options = ConfigParseOptions.defaults()
                .setSyntaxFromFilename(file.getName())
                .setOriginDescription(file.toString())
                .setIncluder(new HadoopIncluder(file, hadoop));
        try {
            return ConfigFactory.parseString(text, options);
        } catch (ConfigException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
