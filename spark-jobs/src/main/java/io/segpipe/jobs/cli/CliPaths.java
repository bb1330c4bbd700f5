package io.segpipe.jobs.cli;

import java.io.IOException;
import java.net.URI;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;

import scala.Tuple2;

/**
 * How the command line turns a path the user typed ({@code --conf}, {@code --result}) into a
 * Hadoop path: with a scheme ({@code hdfs://}, {@code s3a://}, {@code file:}) on that file system;
 * without one on this machine's disk, relative to the working directory, as a shell would read it.
 * Data paths inside a configuration are the jobs' business and follow Hadoop's default file system.
 */
final class CliPaths {
    private static final String SPARK_HADOOP_PREFIX = "spark.hadoop.";

    private CliPaths() {
    }

    /** Whether {@code location} names its file system ({@code hdfs://nn/x}, {@code file:/x}). */
    static boolean hasScheme(String location) {
        try {
            return URI.create(location).getScheme() != null;
        } catch (IllegalArgumentException e) {
            // not a URI (a space, a glob character): a local path
            return false;
        }
    }

    /** {@code location} as a Hadoop path: as written with a scheme, else an absolute {@code file:} path. */
    static Path resolve(String location) {
        if (hasScheme(location)) {
            return new Path(location);
        }
        return new Path(java.nio.file.Path.of(location).toAbsolutePath().normalize().toUri());
    }

    /**
     * The file system of {@code path}; an unknown scheme or an unreachable file system is a
     * {@link UserException} naming {@code what} it was for. Local files are written without
     * Hadoop's {@code .crc} sidecar: people read them with other tools.
     */
    static FileSystem fileSystem(Path path, Configuration hadoop, String what) {
        try {
            FileSystem fs = path.getFileSystem(hadoop);
            return fs instanceof LocalFileSystem local ? local.getRaw() : fs;
        } catch (IOException e) {
            throw new UserException("cannot reach the file system of " + what + " " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * The Hadoop configuration for reading {@code --conf} and writing {@code --result}: the
     * {@code *-site.xml} files on the class path (spark-submit puts {@code HADOOP_CONF_DIR} there,
     * YARN the cluster's) plus the {@code spark.hadoop.*} settings of spark-submit, as Spark's own
     * Hadoop configuration has them. Built without a SparkContext, so that a bad configuration
     * stops the command before Spark starts.
     */
    static Configuration hadoopConfiguration() {
        Configuration hadoop = new Configuration();
        for (Tuple2<String, String> setting : new SparkConf().getAllWithPrefix(SPARK_HADOOP_PREFIX)) {
            hadoop.set(setting._1(), setting._2());
        }
        return hadoop;
    }
}
