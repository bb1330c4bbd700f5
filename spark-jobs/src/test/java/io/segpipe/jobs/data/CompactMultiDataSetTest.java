package io.segpipe.jobs.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Random;

import org.apache.spark.SparkConf;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.predict.Labels;
import scala.reflect.ClassTag$;

class CompactMultiDataSetTest {
    private static final int CLASSES = 11;
    private static final int IGNORE = 11;

    @BeforeAll
    static void init() {
        Nd4jBackend.init();
    }

    /** Random features and a label map with every class and ignored pixels. */
    private static CompactMultiDataSet minibatch(int n, int h, int w) {
        Random rnd = new Random(7);
        int[] ids = new int[n * h * w];
        for (int p = 0; p < ids.length; p++) {
            ids[p] = rnd.nextInt(CLASSES + 1); // CLASSES = the ignore label
        }
        INDArray labels = Labels.oneHot(Nd4j.createFromArray(ids).reshape(n, h, w), CLASSES, IGNORE);
        return new CompactMultiDataSet(Nd4j.rand(DataType.FLOAT, n, 3, h, w), labels, IGNORE);
    }

    private static SerializerInstance sparkJavaSerializer() {
        return new JavaSerializer(new SparkConf()).newInstance();
    }

    @Test
    void aRoundTripThroughSparksSerializerGivesTheSameArrays() {
        CompactMultiDataSet original = minibatch(3, 17, 23);
        SerializerInstance ser = sparkJavaSerializer();
        ByteBuffer bytes = ser.serialize(original, ClassTag$.MODULE$.apply(MultiDataSet.class));
        MultiDataSet back = ser.deserialize(bytes, ClassTag$.MODULE$.apply(MultiDataSet.class));

        assertInstanceOf(CompactMultiDataSet.class, back, "stays compact when persisted again");
        assertEquals(original.getFeatures(0), back.getFeatures(0));
        assertEquals(original.getLabels(0), back.getLabels(0));
        INDArray ignored = back.getLabels(0).sum(1).eq(0);
        assertTrue(ignored.castTo(DataType.INT).sumNumber().intValue() > 0, "ignored pixels stay all-zero");
    }

    /** Built from the label map (as training builds its minibatches): same arrays, and the same after a round trip. */
    @Test
    void fromTheLabelMapGivesTheSameMinibatchBeforeAndAfterARoundTrip() {
        CompactMultiDataSet fromOneHot = minibatch(2, 9, 13);
        int[] ids = new int[2 * 9 * 13];
        Random rnd = new Random(7);
        for (int p = 0; p < ids.length; p++) {
            ids[p] = rnd.nextInt(CLASSES + 1);
        }
        CompactMultiDataSet fromIds = CompactMultiDataSet.fromIds(fromOneHot.getFeatures(0), ids, CLASSES, IGNORE);
        assertEquals(fromOneHot.getLabels(0), fromIds.getLabels(0));

        SerializerInstance ser = sparkJavaSerializer();
        MultiDataSet back = ser.deserialize(ser.serialize(fromIds, ClassTag$.MODULE$.apply(MultiDataSet.class)),
                ClassTag$.MODULE$.apply(MultiDataSet.class));
        assertEquals(fromOneHot.getFeatures(0), back.getFeatures(0));
        assertEquals(fromOneHot.getLabels(0), back.getLabels(0));
    }

    /** A per-pixel label mask (U-Net's border weights) travels with the minibatch; without one there is none. */
    @Test
    void aLabelMaskSurvivesTheRoundTrip() {
        int[] ids = new int[2 * 5 * 7];
        float[] mask = new float[ids.length];
        Random rnd = new Random(11);
        for (int p = 0; p < ids.length; p++) {
            ids[p] = rnd.nextInt(CLASSES + 1);
            mask[p] = ids[p] == IGNORE ? 0 : 1 + rnd.nextFloat() * 9;
        }
        CompactMultiDataSet weighted = CompactMultiDataSet.fromIds(Nd4j.rand(DataType.FLOAT, 2, 3, 5, 7), ids, CLASSES,
                IGNORE, mask);
        assertEquals(Nd4j.createFromArray(mask).reshape(2, 1, 5, 7), weighted.getLabelsMaskArray(0));
        SerializerInstance ser = sparkJavaSerializer();
        MultiDataSet back = ser.deserialize(ser.serialize(weighted, ClassTag$.MODULE$.apply(MultiDataSet.class)),
                ClassTag$.MODULE$.apply(MultiDataSet.class));
        assertEquals(weighted.getLabelsMaskArray(0), back.getLabelsMaskArray(0));
        assertEquals(weighted.getLabels(0), back.getLabels(0));
        MultiDataSet plain = ser.deserialize(ser.serialize(CompactMultiDataSet.fromIds(weighted.getFeatures(0), ids, CLASSES,
                IGNORE), ClassTag$.MODULE$.apply(MultiDataSet.class)), ClassTag$.MODULE$.apply(MultiDataSet.class));
        assertEquals(null, plain.getLabelsMaskArrays());
        assertThrows(IllegalArgumentException.class, () -> CompactMultiDataSet.fromIds(weighted.getFeatures(0), ids,
                CLASSES, IGNORE, new float[3]));
    }

    @Test
    void theSerializedFormIsAFractionOfNd4jsOwn() {
        CompactMultiDataSet compact = minibatch(4, 64, 88);
        MultiDataSet plain = new MultiDataSet(compact.getFeatures(0), compact.getLabels(0));
        SerializerInstance ser = sparkJavaSerializer();
        int compactBytes = ser.serialize(compact, ClassTag$.MODULE$.apply(MultiDataSet.class)).remaining();
        int plainBytes = ser.serialize(plain, ClassTag$.MODULE$.apply(MultiDataSet.class)).remaining();
        // features 3 floats + labels 1 int per pixel, against 3 + 11 floats
        long pixels = 4L * 64 * 88;
        assertTrue(compactBytes < pixels * 4 * 4 + 4096, "compact form " + compactBytes + " bytes");
        assertTrue(plainBytes > pixels * 4 * 14, "ND4J's form " + plainBytes + " bytes");
    }

    @Test
    void labelsThatAreNotOneHotAreRefusedWhenSerialized() {
        CompactMultiDataSet soft = new CompactMultiDataSet(Nd4j.rand(DataType.FLOAT, 1, 3, 2, 2),
                Nd4j.valueArrayOf(new long[] {1, 2, 2, 2}, 0.5f), IGNORE);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> sparkJavaSerializer().serialize(soft, ClassTag$.MODULE$.apply(MultiDataSet.class)));
        assertTrue(e.getMessage().contains("not one-hot"), e.getMessage());
    }

    @Test
    void anIgnoreLabelThatIsAClassIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CompactMultiDataSet(Nd4j.zeros(1, 3, 2, 2),
                Nd4j.zeros(1, 4, 2, 2), 2));
    }
}
