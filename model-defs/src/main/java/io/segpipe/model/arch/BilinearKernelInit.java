package io.segpipe.model.arch;

import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Initialises a transposed convolution ({@code Deconvolution2D}, weights
 * {@code [nIn, nOut, kH, kW]}) to bilinear interpolation, channel by channel: the kernel of input
 * channel c to output channel c is the bilinear filter of the up-sampling factor, every other
 * channel pair is zero. This is FCN's initialisation (Long et al. 2015, section 3.3; the
 * reference implementation's {@code surgery.interp} / {@code upsample_filt} in
 * shelhamer/fcn.berkeleyvision.org).
 *
 * <p>For a kernel of size 2f with stride f, the filter is
 * {@code (1 - |i - c| / f)} per axis with {@code c = f - 0.5}, and with padding f/2 the output
 * grid is aligned with the input: output pixel o lies at input coordinate {@code (o - (f-1)/2) / f},
 * exactly where bilinear interpolation of pixel centres puts it.
 *
 * <p>A plain Jackson bean so that it travels in the DL4J JSON configuration.
 */
public final class BilinearKernelInit implements IWeightInit {
    private static final long serialVersionUID = 1L;

    @Override
    public INDArray init(double fanIn, double fanOut, long[] shape, char order, INDArray paramView) {
        if (shape.length != 4 || shape[2] != shape[3]) {
            throw new IllegalArgumentException("bilinear init needs square transposed-convolution weights "
                    + "[nIn, nOut, k, k], found " + java.util.Arrays.toString(shape));
        }
        int kernel = (int) shape[2];
        double[] axis = filter1d(kernel);
        long channels = Math.min(shape[0], shape[1]);
        float[] values = new float[Math.toIntExact(paramView.length())];
        int plane = kernel * kernel;
        for (long c = 0; c < channels; c++) {
            int base = Math.toIntExact((c * shape[1] + c) * plane); // [c, c, :, :] in c order
            for (int i = 0; i < kernel; i++) {
                for (int j = 0; j < kernel; j++) {
                    values[base + i * kernel + j] = (float) (axis[i] * axis[j]);
                }
            }
        }
        INDArray weights = paramView.reshape(order, shape);
        weights.assign(Nd4j.createFromArray(values).castTo(paramView.dataType()).reshape('c', shape));
        return weights;
    }

    /** The 1-D bilinear filter of a kernel of {@code size} (FCN's {@code upsample_filt}). */
    static double[] filter1d(int size) {
        int factor = (size + 1) / 2;
        double centre = size % 2 == 1 ? factor - 1 : factor - 0.5;
        double[] f = new double[size];
        for (int i = 0; i < size; i++) {
            f[i] = 1 - Math.abs(i - centre) / factor;
        }
        return f;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BilinearKernelInit;
    }

    @Override
    public int hashCode() {
        return BilinearKernelInit.class.hashCode();
    }

    @Override
    public String toString() {
        return "BilinearKernelInit()";
    }
}
