package io.segpipe.model.bench;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training and inference images per second of a segmentation network on one fixed synthetic
 * batch, after warm-up steps (oneDNN primitive creation and workspace sizing happen there).
 *
 * @param batch images per step
 * @param steps timed steps of each kind
 * @param trainImagesPerSecond images per second of {@code fit} (forward, backward, update)
 * @param inferImagesPerSecond images per second of {@code output} in inference mode
 * @param trainSecondsPerStep mean wall time of one training step
 * @param peakRssAfterTrainingBytes the process's peak resident memory when training ended (before
 *     inference, which adds its own workspaces)
 * @param trainMinorFaultsPerStep the process's minor page faults per timed training step (pages
 *     touched for the first time: fresh mappings), -1 where unknown
 */
public record Throughput(int batch, int steps, double trainImagesPerSecond, double inferImagesPerSecond,
                         double trainSecondsPerStep, long peakRssAfterTrainingBytes, double trainMinorFaultsPerStep) {

    /** Measures {@code net} on random images of the given size and random per-pixel labels. */
    public static Throughput measure(ComputationGraph net, int batch, int channels, int height, int width,
                                     int numClasses, int warmupSteps, int steps, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray features = Nd4j.rand(DataType.FLOAT, batch, channels, height, width);
        DataSet data = new DataSet(features, randomOneHot(batch, numClasses, height, width, seed));
        for (int i = 0; i < warmupSteps; i++) {
            net.fit(data);
        }
        long faultsBefore = ProcessMemory.minorPageFaults();
        long start = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            net.fit(data);
        }
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        long faultsAfter = ProcessMemory.minorPageFaults();
        double faultsPerStep = faultsBefore < 0 || faultsAfter < 0 ? -1 : (double) (faultsAfter - faultsBefore) / steps;
        long peakRssAfterTraining = ProcessMemory.peakResidentBytes();

        for (int i = 0; i < warmupSteps; i++) {
            net.output(false, features);
        }
        start = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            net.output(false, features);
        }
        double inferSeconds = (System.nanoTime() - start) / 1e9;
        return new Throughput(batch, steps, batch * steps / trainSeconds, batch * steps / inferSeconds,
                trainSeconds / steps, peakRssAfterTraining, faultsPerStep);
    }

    /** One-hot labels [N, K, H, W] with a uniformly random class per pixel. */
    static INDArray randomOneHot(int batch, int numClasses, int height, int width, long seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        float[] oneHot = new float[batch * numClasses * height * width];
        int plane = height * width;
        for (int n = 0; n < batch; n++) {
            for (int pixel = 0; pixel < plane; pixel++) {
                oneHot[(n * numClasses + random.nextInt(numClasses)) * plane + pixel] = 1f;
            }
        }
        return Nd4j.create(oneHot, new long[] {batch, numClasses, height, width}, DataType.FLOAT);
    }
}
