package io.segpipe.model.spec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Spark ships the spec in closures and broadcasts by Java serialization; it must come back equal. */
class SegmentationSpecSerializationTest {

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void javaSerializationRoundTripGivesAnEqualSpec(Architecture architecture) throws Exception {
        SegmentationSpec spec = SegmentationSpec.builder(architecture, 4).inputSize(64, 96).widthMultiplier(0.5)
                .dropout(0.1).weightInit(WeightInit.XAVIER).seed(7)
                .loss(new SegmentationSpec.LossSpec(new double[] {1, 2, 0.5, 3}, 11, 0.25)).build();
        SegmentationSpec restored = roundTrip(spec);
        assertEquals(spec, restored);
        assertArrayEquals(spec.loss().classWeights(), restored.loss().classWeights(), 0);
        assertEquals(spec.toJson(), restored.toJson());
    }

    private static SegmentationSpec roundTrip(SegmentationSpec spec) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(spec);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (SegmentationSpec) in.readObject();
        }
    }
}
