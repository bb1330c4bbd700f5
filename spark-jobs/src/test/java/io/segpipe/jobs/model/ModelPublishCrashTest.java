package io.segpipe.jobs.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.jobs.infer.LoadedModel;
import io.segpipe.jobs.testkit.CapturedLog;
import io.segpipe.model.arch.Architectures;
import io.segpipe.model.arch.TinySpecs;
import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.io.ModelFile;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.fs.AtomicFs;

/**
 * A process killed while it replaces a model directory, at the worst moment: the old directory
 * renamed aside, the new one not yet renamed in (a child JVM, {@link ModelPublishCrashChild},
 * halted by {@link HaltingFileSystem}). Readers still read the old model, where it was put aside,
 * with a warning; the next writer's recovery moves it back.
 */
class ModelPublishCrashTest {
    static final long NEW_SEED = 8;

    @TempDir
    Path tmp;

    static SegmentationSpec spec() {
        return TinySpecs.of(Architecture.UNET, 3);
    }

    @Test
    void aReplaceKilledBetweenItsRenamesLeavesTheOldModelReadable() throws Exception {
        Nd4jBackend.init();
        ComputationGraph old = Architectures.create(spec());
        Path dir = tmp.resolve("model");
        ModelFixtures.write(dir.toString(), old, spec());

        Process child = startChild(dir);
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(2, TimeUnit.MINUTES), "child did not end");
        assertEquals(137, child.exitValue(), output);
        assertTrue(output.contains(HaltingFileSystem.HALTING), output);

        assertFalse(Files.exists(dir), "halted after the old version was put aside");
        assertEquals(1, siblings(".model.old-").size(), "the old version, put aside");
        assertEquals(1, siblings(".model.tmp-").size(), "the complete new version, never published");

        Configuration conf = new Configuration();
        try (CapturedLog log = new CapturedLog(ModelDirectory.class)) {
            ModelDirectory.Loaded read = ModelDirectory.read(dir.toString(), conf);
            assertArrayEquals(old.params().data().asFloat(), read.network().params().data().asFloat(), "the old model");
            LoadedModel loaded = LoadedModel.read(dir.toString(), conf);
            assertArrayEquals(old.params().data().asFloat(), ModelFile.read(loaded.bytes(), false, "loaded").params()
                    .data().asFloat(), "the old model, for evaluation and scoring");
            assertEquals(spec(), ModelDirectory.readInfo(dir.toString(), conf).spec());
            String backup = "file:" + siblings(".model.old-").get(0);
            assertEquals(List.of("Model directory file:" + dir + " is missing: a replace of it was interrupted; reading"
                    + " the previous version left at " + backup + " (the next write of model moves it back)"),
                    log.at("WARN").stream().distinct().toList());
            assertEquals(3, log.at("WARN").size(), "one line per read");
        }
        assertFalse(Files.exists(dir), "readers move nothing");

        AtomicFs.recover(FileSystem.getLocal(conf), new org.apache.hadoop.fs.Path(dir.toUri()));
        assertTrue(Files.isDirectory(dir), "the next writer's recovery moves the old version back");
        assertEquals(List.of(), siblings(".model.old-"));
        assertArrayEquals(old.params().data().asFloat(),
                ModelDirectory.read(dir.toString(), conf).network().params().data().asFloat());
    }

    private List<Path> siblings(String prefix) throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
        }
    }

    /** The child JVM with this JVM's class path and module flags; its output is read by the caller. */
    private static Process startChild(Path dir) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("--add-exports") || a.startsWith("-Dlog4j2"))
                .forEach(cmd::add);
        cmd.add("-Xmx512m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ModelPublishCrashChild.class.getName());
        cmd.add(dir.toString());
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }
}
