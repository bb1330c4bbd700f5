package io.segpipe.jobs.ui;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vertx.core.Vertx;

/**
 * DL4J's training UI for one statistics file, on {@value LoopbackUiServer#HOST}: started by
 * {@link #start}, following the file as training appends to it, stopped by {@link #close}.
 */
public final class TrainingUi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingUi.class);
    /** How often the file is checked for rows another process wrote. */
    private static final long POLL_MILLIS = 2000;

    private final StatsFile stats;
    private final Vertx vertx;
    private final LoopbackUiServer server;
    private final ScheduledExecutorService poller;

    private TrainingUi(StatsFile stats, Vertx vertx, LoopbackUiServer server) {
        this.stats = stats;
        this.vertx = vertx;
        this.server = server;
        this.poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "segpipe-ui-stats-poll");
            thread.setDaemon(true);
            return thread;
        });
        poller.scheduleWithFixedDelay(this::poll, 0, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Serves {@code statsFile} on {@code port} of the loopback interface.
     *
     * @param port 0 for any free port
     * @throws io.segpipe.prep.InvalidInputException the file is missing or no stats file
     * @throws BindException the port is in use
     */
    public static TrainingUi start(Path statsFile, int port) throws IOException {
        StatsFile stats = StatsFile.open(statsFile);
        Vertx vertx = Vertx.vertx();
        LoopbackUiServer server = new LoopbackUiServer(port);
        try {
            deploy(vertx, server);
        } catch (IOException | RuntimeException e) {
            vertx.close();
            stats.close();
            throw e;
        }
        server.attach(stats);
        return new TrainingUi(stats, vertx, server);
    }

    private static void deploy(Vertx vertx, LoopbackUiServer server) throws IOException {
        CompletableFuture<String> deployed = new CompletableFuture<>();
        vertx.deployVerticle(server, result -> {
            if (result.succeeded()) {
                deployed.complete(result.result());
            } else {
                deployed.completeExceptionally(result.cause());
            }
        });
        try {
            deployed.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the training UI started", e);
        } catch (ExecutionException e) {
            BindException bind = bindException(e.getCause());
            if (bind != null) {
                BindException inUse = new BindException("port " + server.requestedPort() + " of "
                        + LoopbackUiServer.HOST + " is in use (" + bind.getMessage() + ")");
                inUse.initCause(e.getCause());
                throw inUse;
            }
            throw new IOException("the training UI server did not start: " + e.getCause(), e.getCause());
        }
    }

    private static BindException bindException(Throwable t) {
        for (Throwable cause = t; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException bind) {
                return bind;
            }
        }
        return null;
    }

    private void poll() {
        try {
            stats.poll();
        } catch (RuntimeException e) {
            // The writer may hold SQLite's lock for a moment: the next poll sees the rows.
            LOG.debug("Could not read {} this time: {}", stats, e.toString());
        }
    }

    public int port() {
        return server.getPort();
    }

    /** The training overview page. */
    public String overviewUrl() {
        return "http://" + LoopbackUiServer.HOST + ":" + port() + "/train/overview";
    }

    /** Training sessions in the file. */
    public int trainingSessions() {
        return stats.trainingSessions();
    }

    @Override
    public void close() throws IOException {
        poller.shutdownNow();
        server.detach(stats);
        CompletableFuture<Void> closed = new CompletableFuture<>();
        vertx.close(result -> closed.complete(null));
        closed.join();
        stats.close();
    }
}
