package io.segpipe.model.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class HostArraysTest {
    @BeforeAll
    static void init() {
        Nd4jBackend.init();
    }

    @Test
    void floatsHoldTheSameValuesAsNd4jsOwnCopy() {
        Random rnd = new Random(5);
        float[] data = new float[2 * 3 * 5 * 7];
        for (int i = 0; i < data.length; i++) {
            data[i] = rnd.nextFloat() - 0.5f;
        }
        INDArray bulk = HostArrays.floats(data, 2, 3, 5, 7);
        assertEquals(DataType.FLOAT, bulk.dataType());
        assertArrayEquals(new long[] {2, 3, 5, 7}, bulk.shape());
        assertEquals(Nd4j.createFromArray(data).reshape('c', 2, 3, 5, 7), bulk);
        assertEquals(data[1 * 105 + 2 * 35 + 4 * 7 + 6], bulk.getFloat(1, 2, 4, 6), 0f);
    }

    @Test
    void intsHoldTheSameValuesAsNd4jsOwnCopy() {
        int[] data = new int[4 * 6];
        for (int i = 0; i < data.length; i++) {
            data[i] = i * 31 - 200;
        }
        INDArray bulk = HostArrays.ints(data, 4, 6);
        assertEquals(DataType.INT, bulk.dataType());
        assertEquals(Nd4j.createFromArray(data).reshape('c', 4, 6), bulk);
    }

    @Test
    void aShapeTheDataDoesNotFillIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HostArrays.floats(new float[5], 2, 3));
        assertEquals("5 values do not fill shape [2, 3]", e.getMessage());
    }
}
