package io.segpipe.model.layers;

import java.util.Arrays;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;

/**
 * Atrous (dilated) convolution that stays on the fast CPU path, for DeepLab (Chen et al., "DeepLab:
 * Semantic Image Segmentation with Deep Convolutional Nets, Atrous Convolution, and Fully Connected
 * CRFs", TPAMI 2018; "Rethinking Atrous Convolution", 2017).
 *
 * <p>Why: with the oneDNN natives a dilated {@code conv2d} fails inside libnd4j and DL4J falls back to
 * a ~4 GFLOP/s path (docs/stack.md, "Dilated convolution fails"). A stride-1 convolution with dilation {@code r} equals an
 * ordinary convolution applied to each of the {@code r²} sub-images that take every r-th row and
 * column (the space-to-batch equivalence, TensorFlow's first atrous implementation): tap
 * {@code (u, v)} of the dilated kernel at pixel {@code (i·r + a, j·r + b)} reads pixel
 * {@code ((i+u)·r + a, (j+v)·r + b)}, which is tap {@code (u, v)} of an undilated kernel on
 * sub-image {@code (a, b)}. So this adds {@link SpaceToBatchVertex} → an ordinary Same-mode
 * {@link ConvolutionLayer} (oneDNN) → {@link BatchToSpaceVertex}. Zero padding agrees too: the image is
 * padded with zeros to a multiple of {@code r}, and the padded outputs are cropped away. The result
 * equals a {@code ConvolutionLayer} with {@code dilation(r, r)} in Same mode with the same weights,
 * parameters named after the layer as usual. The same holds for a depthwise convolution
 * ({@link DepthwiseConvolution2D}, each channel convolved on its own), which is how the aligned
 * Xception of DeepLab v3+ gets its atrous separable convolutions.
 *
 * <p>Limits: stride 1 and odd kernels (Same padding is then symmetric); NCHW.
 */
public final class Atrous {
    private Atrous() {
    }

    /**
     * Adds a {@code kernel × kernel} atrous convolution with {@code nOut} filters; activation, bias,
     * weight init and so on come from the graph's global configuration, as for any layer built with
     * {@code new ConvolutionLayer.Builder(kernel, kernel).nOut(nOut).build()}.
     *
     * @return the name of the vertex that outputs the convolution, {@code [N, nOut, H, W]}
     */
    public static String addConv(GraphBuilder graph, String name, String input, int nOut, int kernel, int rate) {
        if (nOut < 1) {
            throw new IllegalArgumentException("nOut must be >= 1, found " + nOut);
        }
        if (kernel < 1) {
            throw new IllegalArgumentException("kernel must be >= 1, found " + kernel);
        }
        return addConv(graph, name, input, new ConvolutionLayer.Builder(kernel, kernel).nOut(nOut).build(), rate);
    }

    /**
     * Adds {@code conv} as an atrous convolution of the given rate. {@code conv} is configured like an
     * ordinary (or depthwise) convolution (no dilation, stride 1, odd kernel); its convolution mode
     * is set to Same.
     * The layer keeps the name {@code name}, so its parameters are {@code name}'s; with
     * {@code rate == 1} it is added as it is.
     *
     * @return the name of the vertex that outputs the convolution: {@code name} for rate 1,
     *     {@code name + "_b2s"} otherwise (the space-to-batch vertex is {@code name + "_s2b"})
     */
    public static String addConv(GraphBuilder graph, String name, String input, ConvolutionLayer conv, int rate) {
        if (rate < 1) {
            throw new IllegalArgumentException("rate must be >= 1, found " + rate);
        }
        ConvolutionLayer sameMode = checkedCopy(conv);
        if (rate == 1) {
            graph.addLayer(name, sameMode, input);
            return name;
        }
        String subImages = name + "_s2b";
        String output = name + "_b2s";
        graph.addVertex(subImages, new SpaceToBatchVertex(rate), input);
        graph.addLayer(name, sameMode, subImages);
        graph.addVertex(output, new BatchToSpaceVertex(rate), name, input);
        return output;
    }

    private static ConvolutionLayer checkedCopy(ConvolutionLayer conv) {
        if (conv.getClass() != ConvolutionLayer.class && conv.getClass() != LinearConvolution.class
                && conv.getClass() != DepthwiseConvolution2D.class) {
            throw new IllegalArgumentException("conv must be a plain ConvolutionLayer, a LinearConvolution or a "
                    + "DepthwiseConvolution2D, found " + conv.getClass().getSimpleName());
        }
        int[] kernel = conv.getKernelSize();
        if (kernel[0] % 2 == 0 || kernel[1] % 2 == 0) {
            throw new IllegalArgumentException("conv kernel must be odd, found " + Arrays.toString(kernel));
        }
        if (conv.getStride()[0] != 1 || conv.getStride()[1] != 1) {
            throw new IllegalArgumentException("conv stride must be 1, found " + Arrays.toString(conv.getStride()));
        }
        if (conv.getDilation()[0] != 1 || conv.getDilation()[1] != 1) {
            throw new IllegalArgumentException("conv dilation must be 1 (the rate is the atrous argument), found "
                    + Arrays.toString(conv.getDilation()));
        }
        if (conv.getConvolutionMode() != null && conv.getConvolutionMode() != ConvolutionMode.Same) {
            throw new IllegalArgumentException("conv convolution mode must be Same, found " + conv.getConvolutionMode());
        }
        if (conv.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
            throw new IllegalArgumentException("conv data format must be NCHW, found " + conv.getCnn2dDataFormat());
        }
        ConvolutionLayer copy = (ConvolutionLayer) conv.clone();
        copy.setConvolutionMode(ConvolutionMode.Same);
        return copy;
    }
}
