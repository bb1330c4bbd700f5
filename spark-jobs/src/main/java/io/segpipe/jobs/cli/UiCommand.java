package io.segpipe.jobs.cli;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.segpipe.jobs.ui.TrainingUi;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code segpipe ui --stats FILE}: DL4J's training UI for a statistics file training writes
 * ({@link TrainingUi}), on loopback, until the process is stopped. Needs no Spark.
 */
@Command(name = "ui", mixinStandardHelpOptions = true,
        description = {"Serve DL4J's training UI (score chart, model, parameter and update charts, system) for the "
                + "stats file a training run writes (its configuration's statsFile), while the run trains and after.",
                "Listens on 127.0.0.1 only; from another machine use port forwarding, e.g. "
                        + "ssh -L 9000:127.0.0.1:9000 <driver host>, then open http://127.0.0.1:9000/train/overview.",
                "Stops on Ctrl-C (SIGINT) or SIGTERM."})
final class UiCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--stats", required = true, paramLabel = "FILE",
            description = "The stats file: a local path (training writes it on the driver's disk).")
    Path stats;

    @Option(names = "--port", paramLabel = "N", defaultValue = "9000",
            description = "Port on 127.0.0.1, 0 for any free one (default: ${DEFAULT-VALUE}, DL4J's).")
    int port;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--port must be in 0..65535, found " + port);
        }
        TrainingUi ui;
        try {
            ui = TrainingUi.start(stats, port);
        } catch (BindException e) {
            throw new UserException("--port: " + e.getMessage() + "; choose another port", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(ui), "segpipe-ui-stop"));
        System.out.println("Training UI for " + stats + " (training sessions: " + ui.trainingSessions() + ") at "
                + ui.overviewUrl());
        System.out.println("Listening on 127.0.0.1 only; Ctrl-C stops it.");
        System.out.flush();
        new CountDownLatch(1).await();
        return 0;
    }

    private static void closeQuietly(TrainingUi ui) {
        try {
            ui.close();
        } catch (IOException | RuntimeException e) {
            System.err.println("segpipe ui: stopping the server: " + e);
        }
    }
}
