package io.segpipe.jobs.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** metrics.json says what the loss is a mean of; metrics written before the unit was recorded stay readable. */
class EpochMetricsTest {

    @Test
    void anEpochOfThisVersionIsPerPixelAndSaysSo() {
        EpochMetrics e = new EpochMetrics(1, 0.83, 0.01, 40, 10, 4, 0, 0.5, 0.8, List.of(0.4, 0.6), 2);
        assertEquals(EpochMetrics.LossUnit.PER_PIXEL, e.lossUnit());
        MetricsHistory h = new MetricsHistory(List.of(e));
        assertTrue(h.toJson().contains("\"lossUnit\" : \"PER_PIXEL\""), h.toJson());
        assertEquals(h, MetricsHistory.fromJson(h.toJson()));
        String csv = h.toCsv(List.of("a", "b"));
        assertTrue(csv.startsWith("epoch,loss,learning_rate,images,seconds,images_per_second,skipped_rows,val_miou,"
                + "val_pixel_accuracy,validation_seconds,loss_unit,iou_a,iou_b\n"), csv);
        assertTrue(csv.lines().skip(1).findFirst().orElseThrow().contains(",per pixel,"), csv);
    }

    @Test
    void metricsWrittenBeforeTheUnitWasRecordedReadAsPerImage() {
        String earlier = """
                [ {
                  "epoch" : 1, "loss" : 25830.3, "learningRate" : 0.003, "images" : 367, "seconds" : 40.0,
                  "imagesPerSecond" : 9.2, "skippedRows" : 0, "valMeanIoU" : null, "valPixelAccuracy" : null,
                  "valIoU" : null, "validationSeconds" : 0.0
                } ]""";
        EpochMetrics e = MetricsHistory.fromJson(earlier).epochs().get(0);
        assertEquals(EpochMetrics.LossUnit.PER_IMAGE, e.lossUnit());
        assertEquals(25830.3, e.loss());
        assertEquals("per image", e.lossUnit().label());
    }
}
