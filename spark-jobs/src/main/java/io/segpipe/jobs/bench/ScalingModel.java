package io.segpipe.jobs.bench;

import java.util.List;
import java.util.OptionalInt;

/**
 * Time of one parameter-averaging round on W workers, fitted to local measurements and projected
 * to clusters:
 *
 * <pre>T(W, depth) = F·t_step + t_fixed + t_broadcast(W) + t_aggregate(W, depth)</pre>
 *
 * <p>F is the averaging frequency (minibatches per worker per round). {@code t_step} (one worker's
 * {@code fit} of one minibatch) and {@code t_fixed} (everything else a round costs that is not a
 * network transfer: task scheduling, (de)serialising and summing the state, setting it on the
 * driver's network) are fitted by least squares to rounds measured on 1 and 2 local workers, where
 * transfers cost no network time: {@code t_step} to the workers' measured {@code fit} time
 * (compute C = F·t_step), then {@code t_fixed} to what the round took beyond it (T - C).
 *
 * <p>The transfer terms assume:
 * <ul>
 * <li>every byte crosses a link of the stated bandwidth, one transfer at a time per link, no latency
 *     term, and the driver's link is the bottleneck of what the driver sends or receives;</li>
 * <li>broadcast (Spark's torrent broadcast): the driver sends each piece ({@code pieceBytes},
 *     Spark's {@code spark.broadcast.blockSize}, 4 MB) out once and executors relay pieces among
 *     themselves, so the last executor holds all B bytes after B/bw plus one piece time per
 *     doubling of the holders: {@code t_broadcast = (B + ceil(log2 W)·min(piece, B)) / bw};</li>
 * <li>aggregation (Spark 3.5's {@code treeAggregate}, which DL4J uses): each worker's partial
 *     (parameters + updater state, S bytes; a sum of partials is the same size) goes up Spark's tree
 *     exactly as its loop builds it: with scale {@code s = max(ceil(W^(1/depth)), 2)}, while
 *     {@code n > s + ceil(n/s)} a shuffle level reduces n partials into {@code n/s} (integer
 *     division) reducers, each receiving up to {@code ceil(n / (n/s))} of them in parallel on its
 *     own link; then the driver receives the remaining n over its link. Summing costs no time
 *     beyond the transfer. So depth 1 costs W·S/bw, and a level appears only from 6 partials on;</li>
 * <li>workers compute at the measured rate whatever their number (no stragglers, data local).</li>
 * </ul>
 *
 * @param averagingFrequency F
 * @param batch images per minibatch per worker
 * @param stepSeconds t_step
 * @param fixedSeconds t_fixed
 * @param broadcastBytes B, bytes broadcast per round
 * @param aggregateBytes S, bytes of one worker's returned state
 * @param bandwidthBytesPerSecond bw
 * @param pieceBytes torrent-broadcast piece size
 */
public record ScalingModel(int averagingFrequency, int batch, double stepSeconds, double fixedSeconds,
                           double broadcastBytes, double aggregateBytes, double bandwidthBytesPerSecond,
                           long pieceBytes) {

    /** Spark's default {@code spark.broadcast.blockSize}. */
    public static final long SPARK_BROADCAST_PIECE_BYTES = 4L << 20;

    /**
     * One local measurement to fit to.
     *
     * @param workers W
     * @param roundSeconds the round's wall time
     * @param computeSeconds the workers' fit time in it (per worker)
     */
    public record Point(int workers, double roundSeconds, double computeSeconds) {
    }

    /**
     * The round time and its parts projected to {@code workers}.
     *
     * @param overheadShare (T - compute) / T
     * @param communicationBound overhead exceeds compute
     */
    public record Projection(int workers, int aggregationDepth, double roundSeconds, double computeSeconds,
                             double fixedSeconds, double broadcastSeconds, double aggregateSeconds,
                             double imagesPerSecond, double overheadShare, boolean communicationBound) {
    }

    public ScalingModel {
        if (averagingFrequency < 1 || batch < 1 || !(stepSeconds > 0) || !(fixedSeconds >= 0) || broadcastBytes < 0
                || aggregateBytes < 0 || !(bandwidthBytesPerSecond > 0) || pieceBytes < 1) {
            throw new IllegalArgumentException("scaling model out of range: " + this);
        }
    }

    /**
     * The model fitted to {@code points}: {@code t_step = sum(C) / (F·n)}, the least-squares fit of
     * C = F·t_step; {@code t_fixed = mean(T - F·t_step)}, the least-squares constant, floored at 0.
     */
    public static ScalingModel fit(int averagingFrequency, int batch, List<Point> points, double broadcastBytes,
                                   double aggregateBytes, double bandwidthGbps) {
        if (points.isEmpty()) {
            throw new IllegalArgumentException("no measurements to fit");
        }
        double step = points.stream().mapToDouble(Point::computeSeconds).sum() / ((double) averagingFrequency * points.size());
        double fixed = points.stream().mapToDouble(p -> p.roundSeconds() - averagingFrequency * step).average().orElseThrow();
        return new ScalingModel(averagingFrequency, batch, step, Math.max(0, fixed), broadcastBytes, aggregateBytes,
                bandwidthGbps * 1e9 / 8, SPARK_BROADCAST_PIECE_BYTES);
    }

    /** Torrent broadcast of B bytes to {@code workers} executors. */
    public double broadcastSeconds(int workers) {
        int doublings = 32 - Integer.numberOfLeadingZeros(Math.max(1, workers) - 1); // ceil(log2 W)
        return (broadcastBytes + doublings * Math.min((double) pieceBytes, broadcastBytes)) / bandwidthBytesPerSecond;
    }

    /** Spark's treeAggregate of {@code workers} partials of S bytes at {@code depth}. */
    public double aggregateSeconds(int workers, int depth) {
        int n = workers;
        int scale = Math.max((int) Math.ceil(Math.pow(workers, 1.0 / depth)), 2);
        double transfers = 0;
        while (n > scale + Math.ceil((double) n / scale)) {
            int next = n / scale;
            transfers += Math.ceil((double) n / next);
            n = next;
        }
        return (transfers + n) * aggregateBytes / bandwidthBytesPerSecond;
    }

    /** The round on {@code workers} workers at {@code depth}. */
    public Projection project(int workers, int depth) {
        double compute = averagingFrequency * stepSeconds;
        double broadcast = broadcastSeconds(workers);
        double aggregate = aggregateSeconds(workers, depth);
        double round = compute + fixedSeconds + broadcast + aggregate;
        double overhead = round - compute;
        return new Projection(workers, depth, round, compute, fixedSeconds, broadcast, aggregate,
                (double) workers * averagingFrequency * batch / round, overhead / round, overhead > compute);
    }

    /** The fewest workers (up to {@code maxWorkers}) at which a round's overhead exceeds its compute. */
    public OptionalInt communicationBoundAt(int depth, int maxWorkers) {
        for (int w = 1; w <= maxWorkers; w++) {
            if (project(w, depth).communicationBound()) {
                return OptionalInt.of(w);
            }
        }
        return OptionalInt.empty();
    }
}
