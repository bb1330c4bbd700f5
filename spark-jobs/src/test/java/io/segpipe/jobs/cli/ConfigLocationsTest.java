package io.segpipe.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.jobs.score.ScoreConfig;
import io.segpipe.prep.Json;
import io.segpipe.prep.job.PrepConfig;
import io.segpipe.prep.layout.PairedFolders;

/**
 * Configuration and results on Hadoop paths, as cluster deploy mode needs them: {@code --conf}
 * and {@code --result} as {@code file:} URIs through Hadoop's file system (HDFS behaves the same
 * way, see the integration tests), a file shipped with spark-submit {@code --files} found by name
 * in the working directory, includes relative to the including file, and {@code --set} values
 * that are URIs or globs typed without quotes.
 */
class ConfigLocationsTest {
    private static final String CLASSES = "classes { classes = [ { id = 0, name = a }, { id = 1, name = b } ], ignoreLabel = 255 }";
    private static final String INPUT = "input { layout = paired-folders, root = \"/data/x\", folders = [ { images = img, labels = lab } ] }";

    @TempDir
    Path dir;

    private static String uri(Path file) {
        return file.toUri().toString();
    }

    private Path write(String relative, String text) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    private record Run(int exitCode, String err) {
    }

    private static Run run(String... args) {
        StringWriter err = new StringWriter();
        int code = Segpipe.execute(new PrintWriter(err, true), args);
        return new Run(code, err.toString());
    }

    @Test
    void aConfigurationIsReadFromAHadoopUri() throws IOException {
        Path conf = write("conf/prep.conf", INPUT + "\noutput = \"/out\"\nshardCount = 7\n" + CLASSES);
        assertTrue(uri(conf).startsWith("file:/"), uri(conf));
        PrepConfig config = ConfigLoader.load(PrepConfig.class, uri(conf), List.of());
        assertEquals(7, config.shardCount());
        assertEquals("/out", config.output());
    }

    @Test
    void includesAreReadRelativeToTheIncludingFileWhereverItLives() throws IOException {
        // conf/prep.conf includes parts/classes.conf, which includes "more/extra" (no extension) next to itself
        Path conf = write("conf/prep.conf", INPUT + "\noutput = \"/out\"\ninclude \"parts/classes.conf\"\n");
        write("conf/parts/classes.conf", CLASSES + "\ninclude \"more/extra\"\n");
        write("conf/parts/more/extra.conf", "shardCount = 9\n");
        write("conf/parts/more/extra.json", "{ \"shardCount\": 1, \"maxBadFraction\": 0.25 }");
        // a file of the same name beside the working directory must not be read instead
        write("parts/classes.conf", "shardCount = 3\n");

        for (String location : List.of(uri(conf), conf.toString())) {
            PrepConfig config = ConfigLoader.load(PrepConfig.class, location, List.of());
            assertEquals(2, config.classes().numClasses(), location);
            assertEquals(9, config.shardCount(), "the .conf of an extension-less include wins over its .json: " + location);
            assertEquals(0.25, config.maxBadFraction(), "keys only the .json has are kept: " + location);
        }
    }

    @Test
    void aMissingIncludeIsSkippedUnlessRequired() throws IOException {
        Path optional = write("optional.conf", INPUT + "\noutput = \"/out\"\n" + CLASSES + "\ninclude \"nowhere.conf\"\n");
        assertEquals("/out", ConfigLoader.load(PrepConfig.class, uri(optional), List.of()).output(),
                "HOCON: an include that is not there is skipped");

        Path required = write("required.conf", INPUT + "\noutput = \"/out\"\n" + CLASSES
                + "\ninclude required(\"models/nowhere.conf\")\n");
        UserException e = assertThrows(UserException.class,
                () -> ConfigLoader.load(PrepConfig.class, uri(required), List.of()));
        assertTrue(e.getMessage().contains(dir.resolve("models/nowhere.conf").toUri().getPath()), e.getMessage());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void aShippedFileIsFoundByNameInTheWorkingDirectory() throws IOException {
        Path workDir = Files.createDirectories(dir.resolve("container"));
        Files.writeString(workDir.resolve("train.conf"), "x = 1");
        String given = dir.resolve("on-the-client/conf/train.conf").toString();
        org.apache.hadoop.fs.Path found = ConfigFiles.locate(given, new Configuration(), workDir);
        assertEquals(workDir.resolve("train.conf").toUri().getPath(), found.toUri().getPath());
        assertEquals("file", found.toUri().getScheme());
    }

    @Test
    void aConfigurationMissingOnItsFileSystemIsOneLineWithTheFixAndNothingIsWritten() {
        Path result = dir.resolve("out/result.json");
        String missing = uri(dir.resolve("conf/absent.conf"));
        Run run = run("prep", "--conf", missing, "--result", result.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertEquals("segpipe: configuration file " + missing + " does not exist on file:///: copy it there "
                + "(hdfs dfs -put absent.conf " + missing + ") or fix the path", run.err().strip());
        assertFalse(Files.exists(result.getParent()), "nothing written");
    }

    @Test
    void anUnknownResultFileSystemStopsTheCommandBeforeSparkStarts() throws IOException {
        Path conf = write("prep.conf", INPUT + "\noutput = \"/out\"\n" + CLASSES);
        Run run = run("prep", "--conf", conf.toString(), "--result", "nosuchfs://host/r.json");
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("segpipe: cannot reach the file system of --result nosuchfs://host/r.json: "),
                run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
    }

    @Test
    void resultsAreWrittenThroughHadoopWithoutChecksumSidecars() throws IOException {
        Path target = dir.resolve("runs/nested/r.json");
        Reports.writeJson(uri(target), Map.of("epochs", 2), new Configuration());
        assertEquals(2, Json.mapper().readTree(target.toFile()).path("epochs").asInt());
        try (Stream<Path> files = Files.list(target.getParent())) {
            assertEquals(List.of("r.json"), files.map(p -> p.getFileName().toString()).toList(),
                    "no .crc or temporary file beside the result");
        }
        Reports.writeJson(target.toString(), Map.of("epochs", 3), new Configuration());
        assertEquals(3, Json.mapper().readTree(target.toFile()).path("epochs").asInt(), "a local path, replaced");
    }

    @Test
    void setValuesThatAreUrisOrGlobsNeedNoQuotes() {
        ScoreConfig config = ConfigLoader.load(ScoreConfig.class, null, List.of("model=hdfs:///models/unet",
                "images=/data/new/*.png", "output=hdfs://nn:8020/scores/run-1", "partitions=4"));
        assertEquals("hdfs:///models/unet", config.model());
        assertEquals("/data/new/*.png", config.images());
        assertEquals("hdfs://nn:8020/scores/run-1", config.output());
        assertEquals(4, config.partitions());
    }

    @Test
    void setValuesWrittenInHoconKeepTheirMeaning() throws IOException {
        Path conf = write("prep.conf", INPUT + "\noutput = \"/out\"\n" + CLASSES);
        PrepConfig config = ConfigLoader.load(PrepConfig.class, conf.toString(), List.of(
                "output=\"hdfs:///quoted\"", "maxBadFraction=0.5", "input.root=${output}/in",
                "classes={ classes = [ { id = 0, name = x }, { id = 1, name = y }, { id = 2, name = z } ] }"));
        assertEquals("hdfs:///quoted", config.output());
        assertEquals(0.5, config.maxBadFraction());
        assertEquals("hdfs:///quoted/in", ((PairedFolders) config.input()).root());
        assertEquals(3, config.classes().numClasses());
    }

    @Test
    void whatIsHocon() {
        for (String hocon : List.of("\"a\"", "[1, 2]", "{ a = 1 }", "${x}", "3", "-0.5", "1e-3", "true", "null")) {
            assertTrue(Overrides.isHocon(hocon), hocon);
        }
        for (String plain : List.of("hdfs:///x", "/data/*.png", "s3a://b/k", "UNET", "val", "models/unet", "3x", "")) {
            assertFalse(Overrides.isHocon(plain), plain);
        }
    }
}
