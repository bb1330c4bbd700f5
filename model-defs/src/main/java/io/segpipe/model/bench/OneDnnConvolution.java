package io.segpipe.model.bench;

import static org.bytedeco.dnnl.global.dnnl.*;

import java.util.ArrayList;
import java.util.List;

import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_convolution_desc_t;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.dnnl.dnnl_version_t;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One 3x3, stride 1, pad 1 float convolution trained through oneDNN directly (bytedeco's {@code dnnl}
 * presets, oneDNN's C API), with the activations fixed in NHWC: source, destination and both
 * activation gradients are plain ND4J arrays {@code [N, H, W, C]} that oneDNN reads and writes in
 * place, never {@code format_tag::any}, so no activation is reordered. Only the weights take the
 * layout the forward primitive chose: they are kept in DL4J's OIHW layout, reordered once per
 * {@link #step()} into the forward primitive's layout (and, only if the backward-data primitive chose
 * another one, once more into that), and the weight gradient is reordered back to OIHW once per step.
 * With oneDNN 2.5 on AVX-512 the forward primitive ({@code brgconv}) wants {@code Acdb64a} and backward
 * data ({@code jit:avx512_common}) {@code ABcd16a16b}: three weight reorders per step. Forcing the
 * forward layout on backward data leaves only oneDNN's reference implementation ({@code ref:any},
 * ~1000x slower), so backward data takes the layout it asks for.
 *
 * <p>Primitives and memory objects are created once, in the constructor; a step only executes them.
 * Not thread-safe; {@link #close()} frees the native objects (the ND4J arrays stay with the GC).
 */
public final class OneDnnConvolution implements AutoCloseable {
    private final ConvolutionGate.Case shape;
    private final INDArray src;
    private final INDArray dst;
    private final INDArray diffDst;
    private final INDArray diffSrc;
    private final INDArray weights;
    private final INDArray bias;
    private final INDArray diffWeights;
    private final INDArray diffBias;

    private final dnnl_engine engine = new dnnl_engine();
    private final dnnl_stream stream = new dnnl_stream();
    private final List<dnnl_primitive_desc> descs = new ArrayList<>();
    private final List<dnnl_memory> memories = new ArrayList<>();
    private final List<Pointer> buffers = new ArrayList<>();
    /** The step, in order: each primitive with its arguments. */
    private final List<dnnl_primitive> primitives = new ArrayList<>();
    private final List<dnnl_exec_arg_t> arguments = new ArrayList<>();
    private final List<Integer> argumentCounts = new ArrayList<>();
    private final Implementations implementations;
    private int weightReordersPerStep;
    private boolean closed;

    /**
     * The implementation oneDNN chose for each primitive (its {@code impl_info_str}, e.g.
     * {@code brgconv:avx512_core}), the weight layouts they asked for, and how many weight reorders a
     * step runs.
     */
    public record Implementations(String forward, String backwardData, String backwardWeights,
                                  String forwardWeightsLayout, String backwardDataWeightsLayout,
                                  String backwardWeightsLayout, int weightReordersPerStep) {
    }

    /** Creates the primitives and the arrays for {@code shape}; all arrays start at zero. */
    public OneDnnConvolution(ConvolutionGate.Case shape) {
        this.shape = shape;
        int n = shape.batch();
        int c = shape.inChannels();
        int k = shape.outChannels();
        int h = shape.height();
        int w = shape.width();
        src = Nd4j.create(DataType.FLOAT, n, h, w, c);
        diffSrc = Nd4j.create(DataType.FLOAT, n, h, w, c);
        dst = Nd4j.create(DataType.FLOAT, n, h, w, k);
        diffDst = Nd4j.create(DataType.FLOAT, n, h, w, k);
        weights = Nd4j.create(DataType.FLOAT, k, c, 3, 3);
        diffWeights = Nd4j.create(DataType.FLOAT, k, c, 3, 3);
        bias = Nd4j.create(DataType.FLOAT, k);
        diffBias = Nd4j.create(DataType.FLOAT, k);
        try {
            check(dnnl_engine_create(engine, dnnl_cpu, 0), "engine");
            check(dnnl_stream_create(stream, engine, dnnl_stream_default_flags), "stream");

            dnnl_memory_desc_t srcMd = md(dnnl_nhwc, n, c, h, w);
            dnnl_memory_desc_t dstMd = md(dnnl_nhwc, n, k, h, w);
            dnnl_memory_desc_t weightsOihw = md(dnnl_oihw, k, c, 3, 3);
            dnnl_memory_desc_t weightsAny = md(dnnl_format_tag_any, k, c, 3, 3);
            dnnl_memory_desc_t biasMd = md(dnnl_x, k);
            LongPointer strides = new LongPointer(1L, 1L);
            LongPointer padding = new LongPointer(1L, 1L);

            dnnl_convolution_desc_t fwdDesc = new dnnl_convolution_desc_t();
            check(dnnl_convolution_forward_desc_init(fwdDesc, dnnl_forward_training, dnnl_convolution_direct,
                    srcMd, weightsAny, biasMd, dstMd, strides, padding, padding), "forward descriptor");
            dnnl_primitive_desc fwd = primitiveDesc(fwdDesc, null, "forward");
            dnnl_convolution_desc_t bwdDataDesc = new dnnl_convolution_desc_t();
            check(dnnl_convolution_backward_data_desc_init(bwdDataDesc, dnnl_convolution_direct,
                    srcMd, weightsAny, dstMd, strides, padding, padding), "backward-data descriptor");
            dnnl_primitive_desc bwdData = primitiveDesc(bwdDataDesc, fwd, "backward data");
            dnnl_convolution_desc_t bwdWeightsDesc = new dnnl_convolution_desc_t();
            check(dnnl_convolution_backward_weights_desc_init(bwdWeightsDesc, dnnl_convolution_direct,
                    srcMd, weightsAny, biasMd, dstMd, strides, padding, padding), "backward-weights descriptor");
            dnnl_primitive_desc bwdWeights = primitiveDesc(bwdWeightsDesc, fwd, "backward weights");

            // the activations: the ND4J arrays themselves, NHWC
            dnnl_memory srcMem = wrap(srcMd, src);
            dnnl_memory dstMem = wrap(dstMd, dst);
            dnnl_memory diffSrcMem = wrap(srcMd, diffSrc);
            dnnl_memory diffDstMem = wrap(dstMd, diffDst);
            dnnl_memory biasMem = wrap(biasMd, bias);
            dnnl_memory diffBiasMem = wrap(biasMd, diffBias);
            dnnl_memory weightsOihwMem = wrap(weightsOihw, weights);
            dnnl_memory diffWeightsOihwMem = wrap(weightsOihw, diffWeights);

            // the weights in the layouts the primitives chose, reordered once per step
            dnnl_memory_desc_t fwdWeightsMd = dnnl_primitive_desc_query_md(fwd, dnnl_query_weights_md, 0);
            dnnl_memory fwdWeightsMem = layoutOf(fwdWeightsMd, weightsOihw, weightsOihwMem);
            if (fwdWeightsMem != weightsOihwMem) {
                addReorder(weightsOihwMem, fwdWeightsMem);
            }
            dnnl_memory_desc_t bwdDataWeightsMd = dnnl_primitive_desc_query_md(bwdData, dnnl_query_weights_md, 0);
            dnnl_memory bwdDataWeightsMem = fwdWeightsMem;
            if (dnnl_memory_desc_equal(bwdDataWeightsMd, fwdWeightsMd) == 0) {
                bwdDataWeightsMem = layoutOf(bwdDataWeightsMd, weightsOihw, weightsOihwMem);
                if (bwdDataWeightsMem != weightsOihwMem) {
                    addReorder(weightsOihwMem, bwdDataWeightsMem);
                }
            }
            dnnl_memory_desc_t bwdWeightsMd = dnnl_primitive_desc_query_md(bwdWeights, dnnl_query_diff_weights_md, 0);
            dnnl_memory diffWeightsMem = layoutOf(bwdWeightsMd, weightsOihw, diffWeightsOihwMem);

            addPrimitive(fwd, "forward", DNNL_ARG_SRC, srcMem, DNNL_ARG_WEIGHTS, fwdWeightsMem,
                    DNNL_ARG_BIAS, biasMem, DNNL_ARG_DST, dstMem);
            addPrimitive(bwdData, "backward data", DNNL_ARG_DIFF_DST, diffDstMem,
                    DNNL_ARG_WEIGHTS, bwdDataWeightsMem, DNNL_ARG_DIFF_SRC, diffSrcMem);
            addPrimitive(bwdWeights, "backward weights", DNNL_ARG_SRC, srcMem, DNNL_ARG_DIFF_DST, diffDstMem,
                    DNNL_ARG_DIFF_WEIGHTS, diffWeightsMem, DNNL_ARG_DIFF_BIAS, diffBiasMem);
            if (diffWeightsMem != diffWeightsOihwMem) {
                addReorder(diffWeightsMem, diffWeightsOihwMem);
            }
            implementations = new Implementations(implInfo(fwd), implInfo(bwdData), implInfo(bwdWeights),
                    layout(fwdWeightsMd, weightsOihw), layout(bwdDataWeightsMd, weightsOihw),
                    layout(bwdWeightsMd, weightsOihw), weightReordersPerStep);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** oneDNN's version, e.g. "2.5.2 (a9302535...)". */
    public static String version() {
        dnnl_version_t v = dnnl_version();
        BytePointer hash = v.hash();
        return v.major() + "." + v.minor() + "." + v.patch() + (hash == null ? "" : " (" + hash.getString() + ")");
    }

    /**
     * One training step: weights to the primitives' layouts, forward (training), backward data,
     * backward weights and bias, the weight gradient back to OIHW; returns when the stream is done.
     */
    public void step() {
        if (closed) {
            throw new IllegalStateException("this convolution is closed");
        }
        for (int i = 0; i < primitives.size(); i++) {
            check(dnnl_primitive_execute(primitives.get(i), stream, argumentCounts.get(i), arguments.get(i)),
                    "execute");
        }
        check(dnnl_stream_wait(stream), "stream wait");
    }

    public ConvolutionGate.Case shape() {
        return shape;
    }

    public Implementations implementations() {
        return implementations;
    }

    /** Input, {@code [N, H, W, C]}: write it before a step. */
    public INDArray src() {
        return src;
    }

    /** Output, {@code [N, H, W, K]}. */
    public INDArray dst() {
        return dst;
    }

    /** Gradient of the loss with respect to the output, {@code [N, H, W, K]}: write it before a step. */
    public INDArray diffDst() {
        return diffDst;
    }

    /** Gradient with respect to the input, {@code [N, H, W, C]}. */
    public INDArray diffSrc() {
        return diffSrc;
    }

    /** Weights in DL4J's layout, {@code [K, C, 3, 3]} (OIHW): write them before a step. */
    public INDArray weights() {
        return weights;
    }

    /** Bias, {@code [K]}. */
    public INDArray bias() {
        return bias;
    }

    /** Gradient with respect to the weights, {@code [K, C, 3, 3]} (OIHW). */
    public INDArray diffWeights() {
        return diffWeights;
    }

    /** Gradient with respect to the bias, {@code [K]}. */
    public INDArray diffBias() {
        return diffBias;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (dnnl_primitive p : primitives) {
            dnnl_primitive_destroy(p);
        }
        for (dnnl_memory m : memories) {
            dnnl_memory_destroy(m);
        }
        for (dnnl_primitive_desc d : descs) {
            dnnl_primitive_desc_destroy(d);
        }
        for (Pointer p : buffers) {
            p.close();
        }
        for (dnnl_exec_arg_t a : arguments) {
            a.close();
        }
        if (!stream.isNull()) {
            dnnl_stream_destroy(stream);
        }
        if (!engine.isNull()) {
            dnnl_engine_destroy(engine);
        }
    }

    private static dnnl_memory_desc_t md(int tag, long... dims) {
        dnnl_memory_desc_t md = new dnnl_memory_desc_t();
        check(dnnl_memory_desc_init_by_tag(md, dims.length, new LongPointer(dims), dnnl_f32, tag), "memory descriptor");
        return md;
    }

    private dnnl_primitive_desc primitiveDesc(dnnl_convolution_desc_t desc, dnnl_primitive_desc hint, String what) {
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        check(dnnl_primitive_desc_create(pd, new const_dnnl_op_desc_t(desc), (dnnl_primitive_attr) null, engine, hint),
                what + " primitive descriptor");
        descs.add(pd);
        return pd;
    }

    /** A memory object over the data of a dense ND4J array. */
    private dnnl_memory wrap(dnnl_memory_desc_t md, INDArray array) {
        if (dnnl_memory_desc_get_size(md) != array.length() * 4) {
            throw new IllegalStateException("array of " + array.length() + " floats for a descriptor of "
                    + dnnl_memory_desc_get_size(md) + " bytes");
        }
        return memory(md, array.data().addressPointer());
    }

    /** {@code plain} itself when {@code md} is the plain layout, otherwise new memory in layout {@code md}. */
    private dnnl_memory layoutOf(dnnl_memory_desc_t md, dnnl_memory_desc_t plainMd, dnnl_memory plain) {
        if (dnnl_memory_desc_equal(md, plainMd) != 0) {
            return plain;
        }
        BytePointer buffer = new BytePointer(dnnl_memory_desc_get_size(md));
        buffers.add(buffer);
        return memory(md, buffer);
    }

    private dnnl_memory memory(dnnl_memory_desc_t md, Pointer handle) {
        dnnl_memory memory = new dnnl_memory();
        check(dnnl_memory_create(memory, md, engine, handle), "memory");
        memories.add(memory);
        return memory;
    }

    private void addReorder(dnnl_memory from, dnnl_memory to) {
        dnnl_memory_desc_t fromMd = mdOf(from);
        dnnl_memory_desc_t toMd = mdOf(to);
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        check(dnnl_reorder_primitive_desc_create(pd, fromMd, engine, toMd, engine, (dnnl_primitive_attr) null),
                "reorder primitive descriptor");
        descs.add(pd);
        addPrimitive(pd, "reorder", DNNL_ARG_FROM, from, DNNL_ARG_TO, to);
        weightReordersPerStep++;
    }

    private static dnnl_memory_desc_t mdOf(dnnl_memory memory) {
        PointerPointer<dnnl_memory_desc_t> out = new PointerPointer<>(1);
        check(dnnl_memory_get_memory_desc(memory, out), "memory descriptor query");
        return new dnnl_memory_desc_t(out.get(0));
    }

    /** Creates the primitive of {@code pd} and its arguments, given as (argument kind, memory) pairs. */
    private void addPrimitive(dnnl_primitive_desc pd, String what, Object... kindAndMemory) {
        dnnl_primitive primitive = new dnnl_primitive();
        check(dnnl_primitive_create(primitive, pd), what + " primitive");
        primitives.add(primitive);
        int count = kindAndMemory.length / 2;
        dnnl_exec_arg_t args = new dnnl_exec_arg_t(count);
        for (int i = 0; i < count; i++) {
            args.position(i).arg((Integer) kindAndMemory[2 * i]).memory((dnnl_memory) kindAndMemory[2 * i + 1]);
        }
        arguments.add(args.position(0));
        argumentCounts.add(count);
    }

    private static String implInfo(dnnl_primitive_desc pd) {
        PointerPointer<BytePointer> out = new PointerPointer<>(1);
        check(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, out), "implementation query");
        return new BytePointer(out.get(0)).getString();
    }

    /** "oihw" for the plain layout, otherwise the blocking: inner blocks, e.g. "blocked 16i16o". */
    private static String layout(dnnl_memory_desc_t md, dnnl_memory_desc_t plainMd) {
        if (dnnl_memory_desc_equal(md, plainMd) != 0) {
            return "oihw";
        }
        if (md.format_kind() != dnnl_blocked) {
            return "format kind " + md.format_kind();
        }
        var blocking = md.format_desc_blocking();
        StringBuilder s = new StringBuilder("blocked, strides");
        for (int d = 0; d < md.ndims(); d++) {
            s.append(' ').append(blocking.strides().get(d));
        }
        String dims = "oihw";
        s.append(", inner blocks ");
        for (int b = 0; b < blocking.inner_nblks(); b++) {
            s.append(blocking.inner_blks().get(b)).append(dims.charAt((int) blocking.inner_idxs().get(b)));
        }
        return s.toString();
    }

    private static void check(int status, String what) {
        if (status != dnnl_success) {
            throw new IllegalStateException("oneDNN: " + what + " failed with status " + status
                    + " (1 out of memory, 2 invalid arguments, 3 unimplemented, 5 runtime error)");
        }
    }
}
