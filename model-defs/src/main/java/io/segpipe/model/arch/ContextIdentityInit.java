package io.segpipe.model.arch;

import java.util.Arrays;
import java.util.Objects;

import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The identity initialisation of Yu and Koltun's context module ("Multi-Scale Context Aggregation by
 * Dilated Convolutions", ICLR 2016, section 3), for convolution weights {@code [c_out, c_in, k, k]}
 * with an odd kernel, on a module whose input and output have C = {@code numClasses} channels:
 * <pre>
 *   w[b, a, centre] = C / c_out   if floor(a C / c_in) == floor(b C / c_out)
 *   w[b, a, t]      = epsilon     otherwise,   epsilon ~ N(0, noiseStd^2)
 * </pre>
 * (the paper's equation 5). With {@code c_in = c_out = C} and no noise it is equation 4, the basic
 * module's: each filter is the identity on its centre tap. Channels are split into C groups, each
 * carrying one class; the weights of a group sum its inputs and spread them evenly over its outputs,
 * so the channels of a group always sum to the class's input value, and the last layer (to C
 * channels) restores it. With biases at zero a module so initialised passes its (non-negative) input
 * through unchanged.
 */
public final class ContextIdentityInit implements IWeightInit {
    private static final long serialVersionUID = 1L;

    private final int numClasses;
    private final double noiseStd;

    /**
     * @param numClasses C, the channels of the module's input and output
     * @param noiseStd standard deviation of the noise off the identity (0 = none; the paper asks for
     *     sigma much smaller than C / c_out)
     */
    @JsonCreator
    public ContextIdentityInit(@JsonProperty("numClasses") int numClasses, @JsonProperty("noiseStd") double noiseStd) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be >= 1, found " + numClasses);
        }
        if (!(noiseStd >= 0) || !Double.isFinite(noiseStd)) {
            throw new IllegalArgumentException("noiseStd must be finite and >= 0, found " + noiseStd);
        }
        this.numClasses = numClasses;
        this.noiseStd = noiseStd;
    }

    @Override
    public INDArray init(double fanIn, double fanOut, long[] shape, char order, INDArray paramView) {
        if (shape.length != 4 || shape[2] % 2 == 0 || shape[3] % 2 == 0) {
            throw new IllegalArgumentException("context identity init needs convolution weights [c_out, c_in, k, k] with an "
                    + "odd kernel, found " + Arrays.toString(shape));
        }
        long out = shape[0];
        long in = shape[1];
        int kh = (int) shape[2];
        int kw = (int) shape[3];
        INDArray weights = noiseStd == 0 ? Nd4j.zeros(paramView.dataType(), shape)
                : Nd4j.randn(paramView.dataType(), shape).muli(noiseStd);
        double value = (double) numClasses / out;
        for (long b = 0; b < out; b++) {
            long groupOut = b * numClasses / out;
            for (long a = 0; a < in; a++) {
                if (a * numClasses / in == groupOut) {
                    weights.putScalar(new long[] {b, a, kh / 2, kw / 2}, value);
                }
            }
        }
        INDArray view = paramView.reshape(order, shape);
        view.assign(weights);
        return view;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ContextIdentityInit i && numClasses == i.numClasses && noiseStd == i.noiseStd;
    }

    @Override
    public int hashCode() {
        return Objects.hash(numClasses, noiseStd);
    }

    @Override
    public String toString() {
        return "ContextIdentityInit(numClasses=" + numClasses + ", noiseStd=" + noiseStd + ")";
    }
}
