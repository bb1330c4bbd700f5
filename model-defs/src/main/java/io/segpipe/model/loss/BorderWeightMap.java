package io.segpipe.model.loss;

import java.util.Arrays;

import io.segpipe.model.spec.SegmentationSpec.BorderWeight;

/**
 * U-Net's border weight map (Ronneberger, Fischer, Brox, MICCAI 2015, eq. 2) of a label map, and the
 * per-pixel label mask that makes the cross-entropy weigh each pixel by it. What an object is and how
 * fewer than two objects are treated: {@link BorderWeight}.
 *
 * <p><b>How it reaches the loss.</b> The losses weigh pixel p by {@code mask_p · Σ_k w_k y_pk} (the
 * package documentation): its class weight times DL4J's per-pixel label mask. {@link #labelMask} sets
 * {@code mask_p = 1 + b(p) / w_c(p)}, so the cross-entropy's weight of p is exactly the paper's
 * {@code w(p) = w_c(p) + b(p)}, with {@code b} the border term of {@link #term}. Ignored pixels get
 * mask 0 (they have no loss anyway); a pixel of a class weighted 0 keeps mask 1, so its weight stays 0
 * (the class is switched off, border or not). The losses normalise by the number of pixels with a
 * positive weight, not by the sum of weights, so the border term raises the loss near borders rather
 * than rescaling the whole minibatch.
 *
 * <p><b>Algorithm.</b> Objects are labelled by a breadth-first flood fill (4-connected). For every
 * object the exact squared Euclidean distance transform (Felzenszwalb and Huttenlocher, "Distance
 * Transforms of Sampled Functions", Theory of Computing 2012: lower envelope of parabolas, one pass
 * per column and per row, linear time) runs over the object's bounding box grown by a margin
 * {@code r = σ·sqrt(2 ln(w0 / 1e-6))}; each pixel keeps its two smallest distances. A pixel outside an
 * object's window is more than r from it, so a pair it misses has {@code d1 + d2 > r} and a term below
 * 1e-6, which is left out: the map is exact up to 1e-6 in absolute value, at a cost of about
 * {@code objects × (object size + 2r)²} instead of {@code objects × pixels}.
 */
public final class BorderWeightMap {
    /** Terms below this are left out (absolute weight). */
    static final double NEGLIGIBLE = 1e-6;

    private BorderWeightMap() {
    }

    /**
     * The border term {@code b(x) = w0 · exp(−(d1 + d2)² / (2σ²))} of one label map; 0 on ignored
     * pixels (ids outside {@code [0, numClasses)}) and everywhere when the map has fewer than two objects.
     *
     * @param labels {@code height × width} class ids, row-major
     */
    public static float[] term(int[] labels, int height, int width, int numClasses, BorderWeight config) {
        int plane = height * width;
        if (labels.length != plane) {
            throw new IllegalArgumentException("labels must have " + height + "x" + width + " = " + plane
                    + " entries, found " + labels.length);
        }
        float[] term = new float[plane];
        int[] objects = new int[plane];
        int count = labelObjects(labels, height, width, numClasses, config.backgroundClass(), objects);
        if (count < 2 || config.w0() == 0) {
            return term;
        }
        double[] best1 = new double[plane];
        double[] best2 = new double[plane];
        Arrays.fill(best1, Double.POSITIVE_INFINITY);
        Arrays.fill(best2, Double.POSITIVE_INFINITY);
        int[][] boxes = boundingBoxes(objects, height, width, count);
        int margin = config.w0() <= NEGLIGIBLE ? 0
                : (int) Math.ceil(config.sigma() * Math.sqrt(2 * Math.log(config.w0() / NEGLIGIBLE)));
        Workspace ws = new Workspace(Math.max(height, width));
        for (int o = 0; o < count; o++) {
            int y0 = Math.max(0, boxes[o][0] - margin);
            int x0 = Math.max(0, boxes[o][1] - margin);
            int y1 = Math.min(height - 1, boxes[o][2] + margin);
            int x1 = Math.min(width - 1, boxes[o][3] + margin);
            double[] squared = squaredDistances(objects, width, o, y0, x0, y1, x1, ws);
            int windowWidth = x1 - x0 + 1;
            for (int y = y0; y <= y1; y++) {
                for (int x = x0; x <= x1; x++) {
                    double d = Math.sqrt(squared[(y - y0) * windowWidth + (x - x0)]);
                    int p = y * width + x;
                    if (d < best1[p]) {
                        best2[p] = best1[p];
                        best1[p] = d;
                    } else if (d < best2[p]) {
                        best2[p] = d;
                    }
                }
            }
        }
        double twoSigmaSquared = 2 * config.sigma() * config.sigma();
        for (int p = 0; p < plane; p++) {
            if (best2[p] != Double.POSITIVE_INFINITY && isClass(labels[p], numClasses) && config.weighs(labels[p])) {
                double sum = best1[p] + best2[p];
                double b = config.w0() * Math.exp(-sum * sum / twoSigmaSquared);
                term[p] = b < NEGLIGIBLE ? 0f : (float) b;
            }
        }
        return term;
    }

    /**
     * The label mask {@code [N, 1, H, W]} (as N·H·W floats) of a minibatch's label maps that gives
     * every pixel the cross-entropy weight {@code w_c + b}: {@code 1 + b / w_c}, 0 on ignored pixels
     * (see the class documentation).
     *
     * @param labels       {@code images × height × width} class ids or ignored ids
     * @param classWeights the loss's class weights, null for all 1
     */
    public static float[] labelMask(int[] labels, int images, int height, int width, int numClasses,
                                    double[] classWeights, BorderWeight config) {
        int plane = height * width;
        if (labels.length != images * plane) {
            throw new IllegalArgumentException("labels must have " + images + "x" + height + "x" + width + " entries, found "
                    + labels.length);
        }
        if (classWeights != null && classWeights.length != numClasses) {
            throw new IllegalArgumentException("classWeights has " + classWeights.length + " entries but there are "
                    + numClasses + " classes");
        }
        float[] mask = new float[labels.length];
        for (int i = 0; i < images; i++) {
            int[] image = Arrays.copyOfRange(labels, i * plane, (i + 1) * plane);
            float[] term = term(image, height, width, numClasses, config);
            for (int p = 0; p < plane; p++) {
                int id = image[p];
                if (!isClass(id, numClasses)) {
                    continue; // ignored: stays 0
                }
                double classWeight = classWeights == null ? 1 : classWeights[id];
                mask[i * plane + p] = classWeight > 0 ? (float) (1 + term[p] / classWeight) : 1f;
            }
        }
        return mask;
    }

    private static boolean isClass(int id, int numClasses) {
        return id >= 0 && id < numClasses;
    }

    /** Writes each pixel's object index (or -1) into {@code objects}; returns the number of objects. */
    static int labelObjects(int[] labels, int height, int width, int numClasses, int background, int[] objects) {
        Arrays.fill(objects, -1);
        int[] queue = new int[labels.length];
        int count = 0;
        for (int start = 0; start < labels.length; start++) {
            int id = labels[start];
            if (objects[start] >= 0 || !isClass(id, numClasses) || id == background) {
                continue;
            }
            int head = 0;
            int tail = 0;
            queue[tail++] = start;
            objects[start] = count;
            while (head < tail) {
                int p = queue[head++];
                int y = p / width;
                int x = p % width;
                if (y > 0) tail = visit(labels, objects, queue, tail, p - width, id, count);
                if (y < height - 1) tail = visit(labels, objects, queue, tail, p + width, id, count);
                if (x > 0) tail = visit(labels, objects, queue, tail, p - 1, id, count);
                if (x < width - 1) tail = visit(labels, objects, queue, tail, p + 1, id, count);
            }
            count++;
        }
        return count;
    }

    private static int visit(int[] labels, int[] objects, int[] queue, int tail, int q, int id, int object) {
        if (objects[q] < 0 && labels[q] == id) {
            objects[q] = object;
            queue[tail++] = q;
        }
        return tail;
    }

    /** {@code [object][yMin, xMin, yMax, xMax]}. */
    private static int[][] boundingBoxes(int[] objects, int height, int width, int count) {
        int[][] boxes = new int[count][];
        for (int o = 0; o < count; o++) {
            boxes[o] = new int[] {height, width, -1, -1};
        }
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int o = objects[y * width + x];
                if (o >= 0) {
                    int[] b = boxes[o];
                    b[0] = Math.min(b[0], y);
                    b[1] = Math.min(b[1], x);
                    b[2] = Math.max(b[2], y);
                    b[3] = Math.max(b[3], x);
                }
            }
        }
        return boxes;
    }

    /** Exact squared distances to object {@code o} over the window, row-major: a column pass, then a row pass. */
    private static double[] squaredDistances(int[] objects, int width, int o, int y0, int x0, int y1, int x1,
                                             Workspace ws) {
        int h = y1 - y0 + 1;
        int w = x1 - x0 + 1;
        double[] grid = new double[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                grid[y * w + x] = objects[(y + y0) * width + (x + x0)] == o ? 0 : Double.POSITIVE_INFINITY;
            }
        }
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) {
                ws.f[y] = grid[y * w + x];
            }
            transform1d(ws.f, h, ws);
            for (int y = 0; y < h; y++) {
                grid[y * w + x] = ws.d[y];
            }
        }
        for (int y = 0; y < h; y++) {
            System.arraycopy(grid, y * w, ws.f, 0, w);
            transform1d(ws.f, w, ws);
            System.arraycopy(ws.d, 0, grid, y * w, w);
        }
        return grid;
    }

    /**
     * Felzenszwalb-Huttenlocher: {@code d[q] = min_p ((q − p)² + f[p])} into {@code ws.d}, over the
     * finite {@code f[p]} only (all infinite: all infinite).
     */
    static void transform1d(double[] f, int n, Workspace ws) {
        int[] v = ws.v;
        double[] z = ws.z;
        int k = -1;
        for (int q = 0; q < n; q++) {
            if (f[q] == Double.POSITIVE_INFINITY) {
                continue;
            }
            if (k < 0) {
                k = 0;
                v[0] = q;
                z[0] = Double.NEGATIVE_INFINITY;
                z[1] = Double.POSITIVE_INFINITY;
                continue;
            }
            double s = intersection(f, v[k], q);
            while (s <= z[k]) {
                k--;
                s = intersection(f, v[k], q);
            }
            k++;
            v[k] = q;
            z[k] = s;
            z[k + 1] = Double.POSITIVE_INFINITY;
        }
        if (k < 0) {
            Arrays.fill(ws.d, 0, n, Double.POSITIVE_INFINITY);
            return;
        }
        int j = 0;
        for (int q = 0; q < n; q++) {
            while (z[j + 1] < q) {
                j++;
            }
            double dq = q - v[j];
            ws.d[q] = dq * dq + f[v[j]];
        }
    }

    /** Where the parabolas rooted at p and q (p < q) intersect. */
    private static double intersection(double[] f, int p, int q) {
        return ((f[q] + (double) q * q) - (f[p] + (double) p * p)) / (2.0 * (q - p));
    }

    /** Scratch arrays of the one-dimensional transform, sized for the longest line. */
    static final class Workspace {
        final double[] f;
        final double[] d;
        final int[] v;
        final double[] z;

        Workspace(int length) {
            f = new double[length];
            d = new double[length];
            v = new int[length];
            z = new double[length + 1];
        }
    }
}
