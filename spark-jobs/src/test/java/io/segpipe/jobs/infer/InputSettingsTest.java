package io.segpipe.jobs.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.segpipe.jobs.infer.InputSettings.Source;
import io.segpipe.jobs.model.InferenceDefaults;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.reader.Normalization;

/** Which value wins, where it came from, what is warned about and what is refused. */
class InputSettingsTest {

    private static final SegmentationSpec RGB = SegmentationSpec.builder(Architecture.UNET, 4).depth(2).build();
    private static final SegmentationSpec GREY = RGB.toBuilder().inputChannels(1).build();
    private static final InferenceDefaults RECORDED = new InferenceDefaults(Normalization.IMAGENET, 0.5,
            InferenceConfig.builder().batchSize(2).build());

    private static InputSettings resolve(Normalization n, Double s, InferenceConfig i,
                                         Optional<InferenceDefaults> recorded) {
        return InputSettings.resolve(n, s, i, recorded, RGB, "file:/m");
    }

    @Test
    void unsetSettingsAreTheRecordedOnesWithoutWarning() {
        InputSettings s = resolve(null, null, null, Optional.of(RECORDED));
        assertEquals(Normalization.IMAGENET, s.normalization());
        assertEquals(0.5, s.inputScale());
        assertEquals(RECORDED.inference(), s.inference());
        assertEquals(Map.of(InputSettings.NORMALIZATION, Source.MODEL, InputSettings.INPUT_SCALE, Source.MODEL,
                InputSettings.INFERENCE, Source.MODEL), s.sources());
        assertEquals(List.of(), s.warnings());
        assertEquals("inputScale = 0.5: recorded by the training of model file:/m",
                s.describeSources("file:/m").get(InputSettings.INPUT_SCALE));
    }

    @Test
    void configuredValuesEqualToTheRecordedOnesAreNotWarnedAbout() {
        InputSettings s = resolve(Normalization.IMAGENET, 0.5, InferenceConfig.builder().batchSize(16).build(),
                Optional.of(RECORDED));
        assertEquals(Source.CONFIGURATION, s.sources().get(InputSettings.NORMALIZATION));
        assertEquals(16, s.inference().batchSize());
        assertEquals(List.of(), s.warnings(), "equal values, and a batch size, change no prediction");
    }

    @Test
    void configuredValuesThatDifferAreAppliedWithOneWarningEach() {
        InputSettings s = resolve(Normalization.UNIT, 1.0, InferenceConfig.builder().flip(true).build(),
                Optional.of(RECORDED));
        assertEquals(Normalization.UNIT, s.normalization());
        assertEquals(1.0, s.inputScale());
        assertTrue(s.inference().flip());
        assertEquals(3, s.warnings().size(), s.warnings().toString());
        assertTrue(s.warnings().get(0).startsWith("normalization {scale 0.00392157, mean [0.0], std [1.0]} differs from "
                + "{scale 0.00392157, mean [0.485, 0.456, 0.406], std [0.229, 0.224, 0.225]}, the one model file:/m was "
                + "trained with"), s.warnings().get(0));
        assertEquals("inputScale 1.0 differs from 0.5, the scale model file:/m was trained at: the network sees images "
                + "at 2.00x its training resolution; leave it unset to use the model's", s.warnings().get(1));
        assertEquals("inference (whole image, flip averaging, batch 4) differs from whole image, batch 2, the inference "
                + "model file:/m was validated with", s.warnings().get(2));
    }

    @Test
    void aModelThatRecordsNothingKeepsTheEarlierDefaultsAndSaysSo() {
        InputSettings s = resolve(null, null, null, Optional.empty());
        assertEquals(Normalization.UNIT, s.normalization());
        assertEquals(1.0, s.inputScale());
        assertEquals(InferenceConfig.DEFAULT, s.inference());
        assertEquals(Source.DEFAULT, s.sources().get(InputSettings.INPUT_SCALE));
        assertEquals(1, s.warnings().size());
        assertTrue(s.warnings().get(0).startsWith("model file:/m records no inference.json (written by an earlier "
                + "segpipe): unset settings take the earlier defaults"), s.warnings().get(0));
        // Everything configured: nothing is taken from the defaults, nothing to say.
        assertEquals(List.of(), resolve(Normalization.IMAGENET, 0.5, InferenceConfig.DEFAULT, Optional.empty())
                .warnings());
    }

    @Test
    void aNormalizationForAnotherChannelCountIsRefusedNamingTheKeyAndTheFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InputSettings.resolve(
                Normalization.IMAGENET, null, null, Optional.of(InferenceDefaults.UNRECORDED), GREY, "file:/grey"));
        assertEquals("normalization has 3 mean and 3 std values but model file:/grey takes 1-channel images; set one "
                + "mean and one std value, or leave normalization unset to use the model's", e.getMessage());
        assertEquals("inputScale must be in (0, 4], found 5.0", assertThrows(IllegalArgumentException.class,
                () -> resolve(null, 5.0, null, Optional.of(RECORDED))).getMessage());
    }
}
