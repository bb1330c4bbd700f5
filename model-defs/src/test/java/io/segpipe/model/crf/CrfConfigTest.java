package io.segpipe.model.crf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CrfConfigTest {

    @Test
    void defaultsAreDeepLabsSetting() {
        CrfConfig c = CrfConfig.DEFAULT;
        assertEquals(new CrfConfig(4, 60, 5, 3, 3, 10), c);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
        "w1, -1, 'w1 must be finite and >= 0, found -1.0'",
        "w1, NaN, 'w1 must be finite and >= 0, found NaN'",
        "thetaAlpha, 0, 'thetaAlpha must be finite and > 0, found 0.0'",
        "thetaBeta, -5, 'thetaBeta must be finite and > 0, found -5.0'",
        "w2, Infinity, 'w2 must be finite and >= 0, found Infinity'",
        "thetaGamma, 0, 'thetaGamma must be finite and > 0, found 0.0'",
        "iterations, 0, 'iterations must be in [1, 100], found 0'",
        "iterations, 101, 'iterations must be in [1, 100], found 101'",
    })
    void anInvalidValueIsRejectedNamingTheFieldAndTheValue(String field, String value, String message) {
        UnaryOperator<CrfConfig.Builder> set = switch (field) {
            case "w1" -> b -> b.w1(Double.parseDouble(value));
            case "thetaAlpha" -> b -> b.thetaAlpha(Double.parseDouble(value));
            case "thetaBeta" -> b -> b.thetaBeta(Double.parseDouble(value));
            case "w2" -> b -> b.w2(Double.parseDouble(value));
            case "thetaGamma" -> b -> b.thetaGamma(Double.parseDouble(value));
            case "iterations" -> b -> b.iterations(Integer.parseInt(value));
            default -> throw new IllegalArgumentException(field);
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> set.apply(CrfConfig.builder()).build());
        assertEquals(message, e.getMessage());
    }

    @Test
    void jsonRoundTripGivesAnEqualConfig() {
        CrfConfig config = CrfConfig.builder().w1(5.5).thetaAlpha(80).thetaBeta(3.5).w2(0).thetaGamma(1.5).iterations(7).build();
        String json = config.toJson();
        assertEquals(config, CrfConfig.fromJson(json));
        assertEquals(CrfConfig.DEFAULT, CrfConfig.fromJson(CrfConfig.DEFAULT.toJson()));
    }

    @Test
    void omittedJsonKeysTakeTheDefaults() {
        assertEquals(CrfConfig.DEFAULT.toBuilder().iterations(5).build(), CrfConfig.fromJson("{\"iterations\": 5}"));
    }

    @Test
    void jsonWithAnUnknownKeyOrAnInvalidValueIsRejected() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> CrfConfig.fromJson("{\"thetaAplha\": 50}"));
        assertTrue(unknown.getMessage().contains("thetaAplha"), unknown.getMessage());
        IllegalArgumentException invalid = assertThrows(IllegalArgumentException.class,
                () -> CrfConfig.fromJson("{\"thetaBeta\": 0}"));
        assertEquals("invalid CRF configuration: thetaBeta must be finite and > 0, found 0.0", invalid.getMessage());
    }

    @Test
    void javaSerializationRoundTripGivesAnEqualConfig() throws Exception {
        CrfConfig config = CrfConfig.DEFAULT.toBuilder().w1(3).build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new DenseCrf(config));
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(config, ((DenseCrf) in.readObject()).config());
        }
    }
}
