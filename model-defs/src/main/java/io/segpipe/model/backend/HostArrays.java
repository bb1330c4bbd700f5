package io.segpipe.model.backend;

import java.util.Arrays;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Java arrays to ND4J arrays in one memory copy. ND4J M2.1's {@code Nd4j.createFromArray(float[])}
 * writes its buffer one element at a time through the data buffer's {@code put}; on the training
 * data path (every minibatch's image and one-hot labels) that cost more CPU than decoding the
 * images. These copy the Java array into a new, uninitialised ND4J array with JavaCPP's bulk put.
 */
public final class HostArrays {
    private HostArrays() {
    }

    /** A new float array of {@code shape} ('c' order) holding {@code data}. */
    public static INDArray floats(float[] data, long... shape) {
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
        requireLength(out, data.length, shape);
        new FloatPointer(out.data().addressPointer()).capacity(data.length).put(data);
        return out;
    }

    /** A new int array of {@code shape} ('c' order) holding {@code data}. */
    public static INDArray ints(int[] data, long... shape) {
        INDArray out = Nd4j.createUninitialized(DataType.INT, shape, 'c');
        requireLength(out, data.length, shape);
        new IntPointer(out.data().addressPointer()).capacity(data.length).put(data);
        return out;
    }

    private static void requireLength(INDArray out, int length, long[] shape) {
        if (out.length() != length) {
            throw new IllegalArgumentException(length + " values do not fill shape " + Arrays.toString(shape));
        }
    }
}
