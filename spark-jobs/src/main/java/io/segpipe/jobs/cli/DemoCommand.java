package io.segpipe.jobs.cli;

import java.util.Locale;
import java.util.concurrent.Callable;

import org.apache.spark.sql.SparkSession;

import io.segpipe.jobs.demo.DemoConfig;
import io.segpipe.jobs.demo.DemoJob;
import io.segpipe.jobs.demo.DemoResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code segpipe demo}: the README's first command. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the whole pipeline on generated data with local Spark: synthetic images, prep, training of a "
                + "small U-Net with parameter averaging, evaluation (with an HTML report) and scoring. Needs no data and "
                + "no cluster; takes a few minutes on 2 cores.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--work", defaultValue = "target/demo", paramLabel = "DIR",
            description = "Folder for everything the demo writes; a previous demo's is replaced (default: ${DEFAULT-VALUE}).")
    String work;
    @Option(names = "--samples", defaultValue = "160", description = "Synthetic images (default: ${DEFAULT-VALUE}).")
    int samples;
    @Option(names = "--size", defaultValue = "64", description = "Image height and width (default: ${DEFAULT-VALUE}).")
    int size;
    @Option(names = "--epochs", defaultValue = "12", description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;
    @Option(names = "--seed", defaultValue = "7", description = "Seed of data, network and training (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: local[<cores>]).")
    String master;

    @Override
    public Integer call() throws Exception {
        DemoConfig config = new DemoConfig(work, samples, size, epochs, seed);
        SparkSession spark = SparkSessions.start("segpipe demo", master);
        try {
            DemoResult result = DemoJob.run(config, spark);
            System.out.println();
            System.out.printf("segpipe demo: %d synthetic images -> %d train / %d val samples, U-Net trained %d epochs%n",
                    samples, result.prep().manifest().splits().get("train").samples(),
                    result.prep().manifest().splits().get("val").samples(), result.train().epochs());
            Summaries.printMetrics(result.eval());
            System.out.printf(Locale.ROOT, "%nmIoU %s vs %s for the trivial predictor (every pixel '%s')%n",
                    Summaries.ratio(result.eval().metrics().meanIoU()), Summaries.ratio(result.trivial().meanIoU()),
                    result.trivial().perClass().stream().filter(c -> c.predicted() > 0).findFirst()
                            .map(c -> c.name()).orElse("?"));
            System.out.println("HTML report:  " + result.eval().output() + "/index.html");
            System.out.println("model:        " + result.train().output());
            if (!result.statsFile().isEmpty()) {
                System.out.println("training UI:  bin/segpipe ui --stats " + result.statsFile());
            }
            System.out.println("scores:       " + result.score().output() + " (" + result.score().scored() + " images; "
                    + "masks (pixel = class id, palette = class colours) in " + result.score().masks() + ")");
            System.out.printf(Locale.ROOT, "finished in %.0f s%n", result.seconds());
            return 0;
        } finally {
            spark.stop();
        }
    }
}
