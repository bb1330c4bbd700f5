package io.segpipe.prep.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.segpipe.prep.Json;
import io.segpipe.prep.testkit.TinyDatasets;
import io.segpipe.prep.testkit.ZeroPng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Prep in a JVM with a 512 MiB heap ({@link SmallHeapPrepMain}, started with the test class path):
 * images that would decode to more than the heap are quarantined with their reasons and the job
 * completes with the good samples, whether the header check refuses them (default limit) or, with
 * the limit raised as far as it goes, the decoder runs out of heap.
 */
class SmallHeapPrepTest {

    private static final String HEAP = "-Xmx512m";
    private static final int GOOD = 4;
    private static final int S = 32;

    @TempDir
    Path tmp;

    @Test
    void hugeImagesAreQuarantinedAndTheJobCompletesInASmallHeap() throws Exception {
        Path input = tmp.resolve("in");
        for (int i = 0; i < GOOD; i++) {
            TinyDatasets.write(input.resolve("images/good" + i + ".png"), TinyDatasets.noisyRgbPng(S, S, i));
            TinyDatasets.write(input.resolve("labels/good" + i + ".png"), TinyDatasets.constantGreyPng(S, S, i % 3));
        }
        // 648 MB decoded, 16-bit RGBA: refused by size, and by depth when the size limit is raised.
        ZeroPng.write(input.resolve("images/deep.png"), 9000, 9000, 16, ZeroPng.Colour.RGBA);
        // A header claiming 30 GB over one row of data.
        TinyDatasets.write(input.resolve("images/claims.png"), ZeroPng.of(100_000, 100_000, 8, ZeroPng.Colour.RGB, 1));
        // 768 MB decoded, 8-bit RGB, a supported type: with the limit raised, the decoder runs out of heap.
        ZeroPng.write(input.resolve("images/oom.png"), 16_000, 16_000, 8, ZeroPng.Colour.RGB);
        for (String name : List.of("deep", "claims", "oom")) {
            TinyDatasets.write(input.resolve("labels/" + name + ".png"), TinyDatasets.constantGreyPng(S, S, 1));
        }

        JsonNode result = runForked(input, tmp.resolve("out"), tmp.resolve("result.json"));

        assertTrue(result.get("maxHeap").asLong() <= 512L << 20, "forked heap " + result.get("maxHeap"));
        Map<String, String> defaults = new TreeMap<>(Map.of(
                file(input, "deep.png"), "image: PNG header says 9000x9000 with 4 channels of 16 bits: 648000000 bytes"
                        + " decoded, above maxDecodedBytes 268435456",
                file(input, "claims.png"), "image: PNG header says 100000x100000 with 3 channels of 8 bits: 30000000000"
                        + " bytes decoded, above maxDecodedBytes 268435456",
                file(input, "oom.png"), "image: PNG header says 16000x16000 with 3 channels of 8 bits: 768000000 bytes"
                        + " decoded, above maxDecodedBytes 268435456"));
        assertEquals(defaults, reasons(result.get("defaults")));
        assertEquals(GOOD, result.get("defaults").get("samples").asLong());

        Map<String, String> raised = new TreeMap<>(Map.of(
                file(input, "deep.png"), "image: 16-bit samples are not supported (only 8-bit grey, RGB or palette)",
                file(input, "claims.png"), "image: PNG header says 100000x100000 with 3 channels of 8 bits: 30000000000"
                        + " bytes decoded, above maxDecodedBytes 2147483639",
                file(input, "oom.png"), "image: out of memory while decoding (Java heap space): lower maxDecodedBytes or"
                        + " give executors more memory"));
        assertEquals(raised, reasons(result.get("raised")));
        assertEquals(GOOD, result.get("raised").get("samples").asLong());
    }

    /** Runs {@link SmallHeapPrepMain} in a new JVM with {@value #HEAP} and returns its result JSON. */
    private static JsonNode runForked(Path input, Path output, Path resultFile) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(inheritedJvmFlags());
        command.add(HEAP);
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(SmallHeapPrepMain.class.getName());
        command.add(input.toString());
        command.add(output.toString());
        command.add(resultFile.toString());
        Path log = resultFile.resolveSibling("forked.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("forked prep did not finish in 5 minutes; log: " + tail(log));
        }
        assertEquals(0, p.exitValue(), "forked prep exit code; log: " + tail(log));
        return Json.mapper().readTree(resultFile.toFile());
    }

    /** This JVM's flags that Spark and logging need (module opens, system properties), without its heap size or agents. */
    private static List<String> inheritedJvmFlags() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-Xmx") && !a.startsWith("-Xms") && !a.startsWith("-javaagent")
                        && !a.startsWith("-agentlib") && !a.startsWith("-XX:MaxRAM"))
                .toList();
    }

    private static Map<String, String> reasons(JsonNode run) {
        Map<String, String> out = new TreeMap<>();
        run.get("quarantine").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static String file(Path input, String image) {
        return "file:" + input.resolve("images").resolve(image);
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
