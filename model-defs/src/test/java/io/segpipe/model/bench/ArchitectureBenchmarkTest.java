package io.segpipe.model.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.segpipe.model.arch.TinySpecs;
import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.spec.Architecture;

class ArchitectureBenchmarkTest {
    /** The harness on tiny networks: every figure is filled and consistent (not a timing assertion). */
    @Test
    void tinyRunFillsEveryFigure() {
        Nd4jBackend.init();
        Nd4jBackend.setThreads(TinySpecs.THREADS);
        ArchitectureBenchmark.Options options = new ArchitectureBenchmark.Options(
                List.of(ArchitectureBenchmark.Entry.of(Architecture.UNET), ArchitectureBenchmark.Entry.of(Architecture.DEEPLAB_V3_PLUS)),
                2, 30, 40, 3, 1.0 / 16, 18, 16, 1, 1, 128);
        ArchitectureBenchmark.Result result = ArchitectureBenchmark.run(options);
        assertEquals(2, result.rows().size());
        assertTrue(result.sgemmGflops() > 0);
        ArchitectureBenchmark.Row unet = result.rows().get(0);
        assertEquals(32, unet.netHeight(), "U-Net depth 4 runs at the padded size the Segmenter uses");
        assertEquals(48, unet.netWidth());
        assertTrue(unet.customSecondsPerStep().containsKey("WeightedCrossEntropyLoss"), unet.customSecondsPerStep().toString());
        ArchitectureBenchmark.Row deeplab = result.rows().get(1);
        assertTrue(deeplab.customSecondsPerStep().keySet().containsAll(
                List.of("SpaceToBatchVertex", "BatchToSpaceVertex", "BilinearResizeVertex", "WeightedCrossEntropyLoss")),
                deeplab.customSecondsPerStep().toString());
        for (ArchitectureBenchmark.Row row : result.rows()) {
            assertTrue(row.forwardGflopPerImage() > 0 && row.throughput().trainImagesPerSecond() > 0
                    && row.throughput().inferImagesPerSecond() > 0, row.toString());
            assertEquals(row.trainGflops() / result.sgemmGflops(), row.trainFractionOfSgemm(), 1e-12);
            assertTrue(row.customShareOfStep() > 0, row.toString());
        }
        assertTrue(result.table().contains("DEEPLAB_V3_PLUS"));
    }

    /** The rows of DeepLab v2's multi-scale inputs and v3+ on Xception-65, on tiny networks: every figure is filled. */
    @Test
    void tinyRunOfTheOptionRowsFillsEveryFigure() {
        Nd4jBackend.init();
        Nd4jBackend.setThreads(TinySpecs.THREADS);
        ArchitectureBenchmark.Options options = new ArchitectureBenchmark.Options(
                List.of(ArchitectureBenchmark.Entry.named("DEEPLAB_V2_MULTISCALE"), ArchitectureBenchmark.Entry.named("DEEPLAB_V3_PLUS_XCEPTION65"),
                        ArchitectureBenchmark.Entry.named("DEEPLAB_V1_CONTEXT_LARGE")),
                2, 30, 40, 3, 1.0 / 16, 18, 16, 1, 1, 128);
        ArchitectureBenchmark.Result result = ArchitectureBenchmark.run(options);
        ArchitectureBenchmark.Row multiScale = result.rows().get(0);
        assertTrue(multiScale.spec().multiScaleInputs());
        assertTrue(multiScale.customSecondsPerStep().containsKey("WeightedCrossEntropyLoss"), multiScale.customSecondsPerStep().toString());
        ArchitectureBenchmark.Row xception = result.rows().get(1);
        assertEquals(65, xception.spec().depth());
        assertTrue(xception.customSecondsPerStep().containsKey("SpaceToBatchVertex"), "atrous depthwise convolutions of the exit flow");
        assertEquals(io.segpipe.model.spec.ContextModule.LARGE, result.rows().get(2).spec().contextModule());
        for (ArchitectureBenchmark.Row row : result.rows()) {
            assertTrue(row.forwardGflopPerImage() > 0 && row.throughput().trainImagesPerSecond() > 0
                    && row.throughput().inferImagesPerSecond() > 0 && row.customShareOfStep() > 0, row.toString());
        }
        assertTrue(result.table().contains("DEEPLAB_V2_MULTISCALE") && result.table().contains("DEEPLAB_V3_PLUS_XCEPTION65"));
    }

    /**
     * The reference benchmark: every architecture and DeepLab option ({@link ArchitectureBenchmark.Entry#all()}),
     * canonical widths, 3x360x480, batch 2, all cores; {@code -Dsegpipe.bench.architectures=NAME,...} picks entries.
     * {@code mvn -B -pl model-defs test -Pslow -Dtest=ArchitectureBenchmarkTest#camVidSizeBatch2};
     * the table is in model-defs/target/surefire-reports/io.segpipe.model.bench.ArchitectureBenchmarkTest-output.txt.
     */
    @Test
    @Tag("slow")
    void camVidSizeBatch2() {
        Nd4jBackend.init();
        Nd4jBackend.setThreads(Integer.getInteger("segpipe.bench.threads", Runtime.getRuntime().availableProcessors()));
        ArchitectureBenchmark.Options reference = ArchitectureBenchmark.Options.reference();
        String only = System.getProperty("segpipe.bench.architectures");
        ArchitectureBenchmark.Options options = only == null ? reference : new ArchitectureBenchmark.Options(
                java.util.Arrays.stream(only.split(",")).map(String::trim).map(ArchitectureBenchmark.Entry::named).toList(),
                reference.batch(), reference.height(), reference.width(), reference.numClasses(), reference.widthMultiplier(),
                Integer.getInteger("segpipe.bench.deeplabDepth", reference.deeplabDepth()), reference.outputStride(),
                reference.warmupSteps(), Integer.getInteger("segpipe.bench.steps", reference.steps()), reference.sgemmSize());
        ArchitectureBenchmark.Result result = ArchitectureBenchmark.run(options);
        System.out.println(result.table());
        assertEquals(options.entries().size(), result.rows().size());
    }
}
