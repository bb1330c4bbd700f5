package io.segpipe.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.prep.job.PrepConfig;

/** The command line as a user meets it: exit codes and one-line messages naming the key or file. */
class SegpipeCliTest {
    @TempDir
    Path dir;

    private record Run(int exitCode, String err) {
    }

    private static Run run(String... args) {
        StringWriter err = new StringWriter();
        int code = Segpipe.execute(new PrintWriter(err, true), args);
        return new Run(code, err.toString());
    }

    private Path prepConf() throws IOException {
        Path conf = dir.resolve("prep.conf");
        Files.writeString(conf, """
                input { layout = paired-folders, root = "/data/x", folders = [ { images = img, labels = lab } ] }
                output = "/tmp/out"
                classes { classes = [ { id = 0, name = a }, { id = 1, name = b } ], ignoreLabel = 255 }
                """);
        return conf;
    }

    @Test
    void helpListsTheCommands() {
        Run run = run("--help");
        assertEquals(0, run.exitCode());
    }

    @Test
    void missingConfigurationFileIsNamed() {
        Run run = run("prep", "--conf", dir.resolve("nope.conf").toString());
        assertEquals(2, run.exitCode());
        assertEquals("segpipe: configuration file " + dir.resolve("nope.conf") + " does not exist on this machine, nor as "
                + "nope.conf in the working directory " + Path.of("").toAbsolutePath() + " (where spark-submit --files "
                + "puts it): fix the path, ship the file with spark-submit --files, or give a path on a shared file "
                + "system (--conf hdfs:///...)", run.err().strip());
    }

    @Test
    void unknownKeyIsNamedWithTheAllowedOnes() throws IOException {
        Run run = run("prep", "--conf", prepConf().toString(), "--set", "shardz=3");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("unknown key 'shardz'"), run.err());
        assertTrue(run.err().contains("shardCount"), run.err());
        assertEquals(1, run.err().strip().lines().count(), "one line, no stack trace: " + run.err());
    }

    @Test
    void badEnumValueListsTheAllowedValues() throws IOException {
        Run run = run("prep", "--conf", prepConf().toString(), "--set", "labelFormat=RGB");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("key 'labelFormat': 'RGB' is not a valid LabelFormat (allowed: IDS, COLOURS)"),
                run.err());
    }

    @Test
    void outOfRangeValueNamesTheField() throws IOException {
        Run run = run("prep", "--conf", prepConf().toString(), "--set", "shardCount=0");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("shardCount must be >= 1, found 0"), run.err());
    }

    @Test
    void benchPrepAsksForTheDatasetFolder() {
        Run run = run("bench", "prep");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("Missing required option: '--camvid=DIR'"), run.err());
        assertTrue(run.err().contains("Usage: segpipe bench prep"), run.err());
    }

    @Test
    void overridesApplyAfterTheFile() throws IOException {
        PrepConfig config = ConfigLoader.load(PrepConfig.class, prepConf().toString(),
                List.of("shardCount=3", "output=\"/elsewhere\"", "shardCount=5"));
        assertEquals(5, config.shardCount());
        assertEquals("/elsewhere", config.output());
        assertEquals(0.01, config.maxBadFraction(), "builder default kept");
    }

    @Test
    void aJvmWithoutTheJava17FlagsIsToldHowToStart() throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Segpipe.class.getName(), "env")
                .redirectErrorStream(true)
                .start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "segpipe env did not finish");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, process.exitValue(), output);
        assertTrue(output.contains("this JVM lacks the Java 17 flags Spark needs"), output);
    }
}
