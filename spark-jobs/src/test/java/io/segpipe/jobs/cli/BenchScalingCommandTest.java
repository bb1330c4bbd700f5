package io.segpipe.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.segpipe.jobs.bench.ScalingBenchmark;
import io.segpipe.model.spec.Architecture;
import picocli.CommandLine;

/** {@code segpipe bench scaling}'s options: the canonical architecture files load, bad values name the option. */
class BenchScalingCommandTest {
    private static final Path MODELS = Path.of("..", "conf", "models");

    private static BenchCommand.Scaling parse(String... args) {
        BenchCommand.Scaling command = new BenchCommand.Scaling();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void defaultArchitecturesAreTheCanonicalModelFilesAtTheBenchmarkSize() {
        ScalingBenchmark.Options options = parse("--models", MODELS.toString()).options();
        assertEquals(List.of("unet", "fcn8s", "segnet-basic", "segnet", "deeplabv3plus", "fc-densenet56"),
                options.models().stream().map(ScalingBenchmark.Model::name).toList());
        assertEquals(List.of(Architecture.UNET, Architecture.FCN8S, Architecture.SEGNET_BASIC, Architecture.SEGNET,
                Architecture.DEEPLAB_V3_PLUS, Architecture.FC_DENSENET),
                options.models().stream().map(m -> m.spec().architecture()).toList());
        options.models().forEach(m -> assertEquals(128, m.spec().inputHeight(), m.name()));
        assertEquals(List.of(8, 64, 256), options.projectedWorkers());
        assertEquals(5, options.averagingFrequency());
    }

    @Test
    void badOptionsNameTheOption() {
        assertEquals("segpipe: --size must be a multiple of 32 (FC-DenseNet and SegNet halve it 5 times), found 40",
                run("--size", "40"));
        assertEquals("segpipe: --averaging-frequency must be >= 1, found 0", run("--averaging-frequency", "0"));
        assertEquals("segpipe: --bandwidth-gbps must be > 0, found 0.0", run("--bandwidth-gbps", "0"));
        assertEquals("segpipe: --project must be >= 1, found 0", run("--project", "8,0"));
    }

    private static String run(String... options) {
        StringWriter err = new StringWriter();
        String[] args = new String[options.length + 2];
        args[0] = "bench";
        args[1] = "scaling";
        System.arraycopy(options, 0, args, 2, options.length);
        assertEquals(2, Segpipe.execute(new PrintWriter(err, true), args));
        return err.toString().strip();
    }
}
