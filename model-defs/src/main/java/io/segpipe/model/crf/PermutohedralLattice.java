package io.segpipe.model.crf;

import java.util.Arrays;
import java.util.Objects;

/**
 * Gaussian filtering of many points in a d-dimensional feature space in O(N·d²) instead of O(N²),
 * with the permutohedral lattice of Adams, Baek &amp; Davis, "Fast High-Dimensional Filtering Using
 * the Permutohedral Lattice" (Eurographics 2010). For points with features {@code f_i} and value
 * vectors {@code v_i} of K channels it approximates
 * <pre>    out_i = Σ_j exp(-|f_i - f_j|² / 2) · v_j</pre>
 * in three steps: <em>splat</em> each value onto the d+1 vertices of the lattice simplex enclosing
 * its (scaled) feature, with barycentric weights; <em>blur</em> the lattice with the kernel
 * [1/2, 1, 1/2] along each of its d+1 axes in turn; <em>slice</em> the result back at each point with
 * the same barycentric weights. Only the lattice points some feature splats to exist: they are kept
 * in a hash table of their integer coordinates ({@link LatticePoints}), so the cost grows with the
 * number of points, not with the volume of the feature space.
 *
 * <p><b>How it differs from the Gaussian.</b> The lattice's kernel is a piecewise-linear
 * interpolation (splat and slice) around a binomial blur, scaled (Adams et al.'s elevation scale
 * {@code sqrt(2/3) (d+1)}) to the Gaussian's width but not of its exact shape. Its value at zero
 * distance depends on where a point falls inside its simplex ({@link #selfWeight}), and the total
 * weight a point receives is a position-dependent fraction of the Gaussian's (about 0.77–0.92 in
 * 2-D, 0.21–0.61 in 5-D on the test images). Blurring only between occupied lattice points also
 * cuts the kernel's tails short where features are sparse. The constant {@code 1 / (1 + 2^-d)}
 * makes the response of a point on a vertex to itself exactly 1 on a fully occupied lattice, as
 * the Gaussian's is. Filters built on the lattice therefore normalise by the lattice's filtering
 * of a constant field, as Krähenbühl &amp; Koltun's reference implementation does: that cancels
 * the scale factor and leaves the shape error, a relative L2 error of 1–2% where neighbouring
 * features share lattice points and about 7% where they are sparse
 * ({@code PermutohedralLatticeTest}).
 *
 * <p>The lattice of a set of features is built once ({@link #of}) and then filters any number of
 * value fields ({@link #filter}). It is immutable after construction, and {@link #filter} allocates
 * its own working memory, so one instance may be used from several threads at once.
 */
public final class PermutohedralLattice {
    /** Largest feature magnitude: lattice coordinates (about 5 per feature unit) then stay far inside an int. */
    public static final float MAX_FEATURE = 1e7f;

    private final int points;
    private final int d;
    private final int latticePoints;
    /** Per point, the numbers + 1 of its simplex's d+1 vertices (0 is a slot that stays zero). */
    private final int[] splatIndex;
    /** Per point, the barycentric weights of those vertices (they sum to 1). */
    private final float[] splatWeight;
    /**
     * Per axis j and lattice point p, at {@code 2 (j·M + p)}: the number + 1 of p's neighbour one step
     * forward along axis j; at the next index the one a step back; 0 when that neighbour is absent.
     */
    private final int[] blurNeighbours;
    /** Per point, its weight on itself in the lattice's kernel (see {@link #selfWeight}). */
    private final float[] selfWeight;
    private final float sliceScale;

    private PermutohedralLattice(float[] features, int points, int d) {
        this.points = points;
        this.d = d;
        int vertices = d + 1;
        double[] elevationScale = elevationScale(d);
        int[] canonical = canonicalSimplex(d);
        LatticePoints table = new LatticePoints(d, points);
        splatIndex = new int[points * vertices];
        splatWeight = new float[points * vertices];
        byte[] ranks = new byte[points * vertices];

        double[] elevated = new double[vertices];
        int[] remainder0 = new int[vertices];
        int[] rank = new int[vertices];
        double[] barycentric = new double[vertices + 1];
        int[] key = new int[d];
        for (int p = 0; p < points; p++) {
            elevate(features, p * d, elevationScale, elevated);
            enclosingSimplex(elevated, remainder0, rank);
            barycentric(elevated, remainder0, rank, barycentric);
            for (int r = 0; r <= d; r++) {
                for (int axis = 0; axis < d; axis++) {
                    key[axis] = remainder0[axis] + canonical[r * vertices + rank[axis]];
                }
                splatIndex[p * vertices + r] = table.findOrInsert(key) + 1;
                splatWeight[p * vertices + r] = (float) barycentric[r];
            }
            for (int axis = 0; axis <= d; axis++) {
                ranks[p * vertices + axis] = (byte) rank[axis];
            }
        }
        latticePoints = table.size();
        blurNeighbours = blurNeighbours(table);
        sliceScale = (float) (1 / (1 + Math.pow(2, -d)));
        selfWeight = selfWeights(ranks);
    }

    /**
     * The lattice of {@code points} features of {@code dimensions} values each, point after point
     * ({@code features[p · dimensions + k]}), already divided by the kernel's standard deviations.
     *
     * @throws IllegalArgumentException for a size mismatch, fewer than 1 or more than 16 dimensions,
     *                                  or a feature that is not finite or beyond ±{@value #MAX_FEATURE}
     */
    public static PermutohedralLattice of(float[] features, int points, int dimensions) {
        Objects.requireNonNull(features, "features");
        if (dimensions < 1 || dimensions > 16) {
            throw new IllegalArgumentException("dimensions must be in [1, 16], found " + dimensions);
        }
        if (points < 1 || (long) points * dimensions != features.length) {
            throw new IllegalArgumentException("features hold " + features.length + " values, expected points x dimensions = "
                    + points + " x " + dimensions);
        }
        for (int i = 0; i < features.length; i++) {
            if (!(Math.abs(features[i]) <= MAX_FEATURE)) {
                throw new IllegalArgumentException("feature " + (i % dimensions) + " of point " + (i / dimensions)
                        + " must be finite and within ±" + MAX_FEATURE + ", found " + features[i]);
            }
        }
        return new PermutohedralLattice(features, points, dimensions);
    }

    public int points() {
        return points;
    }

    public int dimensions() {
        return d;
    }

    /** Lattice points the features occupy: the size of the blur, at most {@code points · (d + 1)}. */
    public int latticePoints() {
        return latticePoints;
    }

    /**
     * The weight of point {@code point}'s own value in its filtered value: {@code filter(e_i)[i]}
     * for the unit impulse {@code e_i} at that point. The Gaussian's is 1; the lattice's lies in
     * (0, 1] and depends on where the point falls inside its simplex and on which lattice points
     * around it are occupied. Computed exactly, so a filter can leave a point's own contribution
     * out ({@code filter(v)[i] - selfWeight(i) · v[i]}), as the mean-field update of a CRF must.
     */
    public float selfWeight(int point) {
        return selfWeight[point];
    }

    /**
     * Filters a field of value vectors.
     *
     * @param values   {@code points · channels} values, point after point ({@code values[p · channels + k]})
     * @param channels values per point, >= 1
     * @return the filtered field, same layout (a new array)
     */
    public float[] filter(float[] values, int channels) {
        Objects.requireNonNull(values, "values");
        if (channels < 1 || (long) points * channels != values.length) {
            throw new IllegalArgumentException("values hold " + values.length + " floats, expected points x channels = "
                    + points + " x " + channels);
        }
        float[] lattice = new float[(latticePoints + 1) * channels];
        float[] spare = new float[lattice.length];
        splat(values, channels, lattice);
        float[] blurred = blur(lattice, spare, channels);
        return slice(blurred, channels);
    }

    private void splat(float[] values, int channels, float[] lattice) {
        int vertices = d + 1;
        for (int p = 0; p < points; p++) {
            int in = p * channels;
            for (int r = 0; r < vertices; r++) {
                int o = splatIndex[p * vertices + r] * channels;
                float w = splatWeight[p * vertices + r];
                for (int k = 0; k < channels; k++) {
                    lattice[o + k] += w * values[in + k];
                }
            }
        }
    }

    /** Blurs along each axis in turn; returns whichever buffer holds the result. */
    private float[] blur(float[] lattice, float[] spare, int channels) {
        float[] from = lattice;
        float[] to = spare;
        for (int axis = 0; axis <= d; axis++) {
            int base = 2 * axis * latticePoints;
            for (int p = 0; p < latticePoints; p++) {
                int o = (p + 1) * channels;
                int forward = blurNeighbours[base + 2 * p] * channels;
                int back = blurNeighbours[base + 2 * p + 1] * channels;
                for (int k = 0; k < channels; k++) {
                    to[o + k] = from[o + k] + 0.5f * (from[forward + k] + from[back + k]);
                }
            }
            float[] t = from;
            from = to;
            to = t;
        }
        return from;
    }

    private float[] slice(float[] lattice, int channels) {
        int vertices = d + 1;
        float[] out = new float[points * channels];
        for (int p = 0; p < points; p++) {
            int o = p * channels;
            for (int r = 0; r < vertices; r++) {
                int from = splatIndex[p * vertices + r] * channels;
                float w = splatWeight[p * vertices + r] * sliceScale;
                for (int k = 0; k < channels; k++) {
                    out[o + k] += w * lattice[from + k];
                }
            }
        }
        return out;
    }

    /**
     * The diagonal of the lattice's kernel, {@code sliceScale · Σ_r Σ_s b_r b_s B(v_r ← v_s)}, where
     * {@code b} are a point's barycentric weights, {@code v} its simplex's vertices and
     * {@code B(u ← v)} the blur's response at u to a unit at v. The d+1 blur steps are
     * {@code x ← x + (x[· + δ_j] + x[· - δ_j]) / 2} for the lattice's axis vectors {@code δ_j}, so
     * {@code B(u ← v)} sums, over the ways of writing {@code u - v = Σ_j c_j δ_j} with every
     * {@code c_j ∈ {-1, 0, 1}}, the weight {@code 2^-(number of non-zero c_j)} of each way whose
     * intermediate points (after each axis, in the blur's order) are all occupied: the blur never
     * carries a value through a point that does not exist. As {@code Σ_j δ_j = 0}, each difference
     * between two vertices of one simplex has exactly two such ways (see {@link #blurResponses}).
     * Consecutive points often share a simplex (always in flat image regions), and then its
     * responses are reused.
     */
    private float[] selfWeights(byte[] ranks) {
        int vertices = d + 1;
        float[] self = new float[points];
        int[] below = new int[vertices + 1];
        double[] response = new double[vertices * vertices];
        for (int p = 0; p < points; p++) {
            if (p == 0 || !sameSimplex(p - 1, p)) {
                rankMasks(ranks, p, below);
                blurResponses(p, below, response);
            }
            double sum = 0;
            for (int r = 0; r < vertices; r++) {
                double wr = splatWeight[p * vertices + r];
                for (int s = 0; s < vertices; s++) {
                    sum += wr * splatWeight[p * vertices + s] * response[r * vertices + s];
                }
            }
            self[p] = (float) (sliceScale * sum);
        }
        return self;
    }

    /** True when two points' simplices have the same vertices in the same order (and so the same ranks). */
    private boolean sameSimplex(int a, int b) {
        int vertices = d + 1;
        for (int r = 0; r < vertices; r++) {
            if (splatIndex[a * vertices + r] != splatIndex[b * vertices + r]) {
                return false;
            }
        }
        return true;
    }

    /** {@code below[ρ]}: the coordinates of point p whose rank is less than ρ, as bits, for ρ in [0, d+1]. */
    private void rankMasks(byte[] ranks, int p, int[] below) {
        Arrays.fill(below, 0);
        for (int axis = 0; axis <= d; axis++) {
            for (int rho = ranks[p * (d + 1) + axis] + 1; rho <= d + 1; rho++) {
                below[rho] |= 1 << axis;
            }
        }
    }

    /**
     * {@code response[r (d+1) + s] = B(v_r ← v_s)} for the vertices of point p's simplex. Vertex k is
     * {@code v_0 - Σ_{j ∈ S_k} δ_j} with {@code S_k} the k coordinates of highest rank (the canonical
     * simplex of Adams et al.), so for s > r, {@code v_r - v_s} is {@code +δ_j} summed over the
     * coordinates of rank in {@code [d+1-s, d-r]}, or equally {@code -δ_j} summed over all others;
     * for s < r the same with the signs swapped. For r = s the ways are no step at all (weight 1) and
     * a full circuit forward or back along every axis.
     */
    private void blurResponses(int p, int[] below, double[] response) {
        int vertices = d + 1;
        int all = (1 << vertices) - 1;
        for (int r = 0; r < vertices; r++) {
            for (int s = 0; s < vertices; s++) {
                int from = splatIndex[p * vertices + s];
                double b;
                if (r == s) {
                    b = 1 + walk(from, all, true) + walk(from, all, false);
                } else if (s > r) {
                    int axes = below[d + 1 - r] & ~below[d + 1 - s];
                    b = walk(from, axes, true) + walk(from, all & ~axes, false);
                } else {
                    int axes = below[d + 1 - s] & ~below[d + 1 - r];
                    b = walk(from, axes, false) + walk(from, all & ~axes, true);
                }
                response[r * vertices + s] = b;
            }
        }
    }

    /**
     * Follows the blur from lattice point {@code from} (number + 1) one step along each axis in
     * {@code axes} (bits), in the blur's axis order, forward or back; returns {@code 2^-steps}, or 0
     * if it meets an absent point.
     */
    private double walk(int from, int axes, boolean forward) {
        int at = from;
        int direction = forward ? 0 : 1;
        double weight = 1;
        for (int left = axes; left != 0; left &= left - 1) {
            int axis = Integer.numberOfTrailingZeros(left);
            at = blurNeighbours[2 * (axis * latticePoints + at - 1) + direction];
            if (at == 0) {
                return 0;
            }
            weight *= 0.5;
        }
        return weight;
    }

    /** For every axis and lattice point, its two neighbours along the axis (number + 1, 0 if absent). */
    private int[] blurNeighbours(LatticePoints table) {
        int[] neighbours = new int[2 * (d + 1) * latticePoints];
        int[] forward = new int[d];
        int[] back = new int[d];
        for (int axis = 0; axis <= d; axis++) {
            for (int p = 0; p < latticePoints; p++) {
                // δ_j = (d+1)·e_j - (1, ..., 1): the stored d coordinates move by -1 (+1 back), except
                // coordinate j itself, by +d (-d back); for j = d only the implied last one moves by +d
                for (int k = 0; k < d; k++) {
                    int c = table.coordinate(p, k);
                    forward[k] = c - 1;
                    back[k] = c + 1;
                }
                if (axis < d) {
                    forward[axis] += d + 1;
                    back[axis] -= d + 1;
                }
                neighbours[2 * (axis * latticePoints + p)] = table.find(forward) + 1;
                neighbours[2 * (axis * latticePoints + p) + 1] = table.find(back) + 1;
            }
        }
        return neighbours;
    }

    /**
     * The diagonal of Adams et al.'s elevation matrix E (which maps R^d onto the plane x·1 = 0 of
     * R^(d+1)), times the scale that makes the blur's standard deviation one feature unit:
     * {@code sqrt(2/3) (d+1) / sqrt((i+1)(i+2))}.
     */
    private static double[] elevationScale(int d) {
        double inverseStd = Math.sqrt(2.0 / 3.0) * (d + 1);
        double[] scale = new double[d];
        for (int i = 0; i < d; i++) {
            scale[i] = inverseStd / Math.sqrt((i + 1.0) * (i + 2.0));
        }
        return scale;
    }

    /**
     * {@code canonical[k (d+1) + ρ]}: coordinate of rank ρ of the simplex's vertex k relative to its
     * vertex 0, that is k, less d+1 for the k highest ranks.
     */
    private static int[] canonicalSimplex(int d) {
        int[] canonical = new int[(d + 1) * (d + 1)];
        for (int k = 0; k <= d; k++) {
            for (int rank = 0; rank <= d; rank++) {
                canonical[k * (d + 1) + rank] = rank <= d - k ? k : k - (d + 1);
            }
        }
        return canonical;
    }

    /** {@code E · f}, computed with the running sum the triangular structure of E allows. */
    private void elevate(float[] features, int offset, double[] scale, double[] elevated) {
        double sum = 0;
        for (int j = d; j > 0; j--) {
            double cf = features[offset + j - 1] * scale[j - 1];
            elevated[j] = sum - j * cf;
            sum += cf;
        }
        elevated[0] = sum;
    }

    /**
     * The simplex containing an elevated point: its vertex 0 ({@code remainder0}, the nearest
     * point all of whose coordinates are multiples of d+1, moved back onto the plane) and the rank of
     * each coordinate of the point's offset from it (Adams et al., section 3.1).
     */
    private void enclosingSimplex(double[] elevated, int[] remainder0, int[] rank) {
        int vertices = d + 1;
        int sum = 0;
        for (int i = 0; i < vertices; i++) {
            int nearest = (int) Math.round(elevated[i] / vertices);
            remainder0[i] = nearest * vertices;
            sum += nearest;
            rank[i] = 0;
        }
        for (int i = 0; i < d; i++) {
            double di = elevated[i] - remainder0[i];
            for (int j = i + 1; j < vertices; j++) {
                if (di < elevated[j] - remainder0[j]) {
                    rank[i]++;
                } else {
                    rank[j]++;
                }
            }
        }
        // rounding each coordinate separately can leave the plane (sum != 0): shift the ranks back,
        // wrapping the ones that fall outside [0, d] and moving their coordinate by d+1
        for (int i = 0; i < vertices; i++) {
            rank[i] += sum;
            if (rank[i] < 0) {
                rank[i] += vertices;
                remainder0[i] += vertices;
            } else if (rank[i] > d) {
                rank[i] -= vertices;
                remainder0[i] -= vertices;
            }
        }
    }

    /** Barycentric weights of the point with respect to the simplex's vertices 0..d (Adams et al., section 3.1). */
    private void barycentric(double[] elevated, int[] remainder0, int[] rank, double[] barycentric) {
        int vertices = d + 1;
        Arrays.fill(barycentric, 0);
        for (int i = 0; i < vertices; i++) {
            double v = (elevated[i] - remainder0[i]) / vertices;
            barycentric[d - rank[i]] += v;
            barycentric[d - rank[i] + 1] -= v;
        }
        barycentric[0] += 1 + barycentric[vertices];
    }
}
