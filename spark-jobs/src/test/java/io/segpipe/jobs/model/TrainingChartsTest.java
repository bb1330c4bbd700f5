package io.segpipe.jobs.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;

class TrainingChartsTest {

    /** 12 epochs, validated every 3rd, best val mIoU at epoch 9. */
    private static MetricsHistory history() {
        List<EpochMetrics> epochs = new ArrayList<>();
        for (int e = 1; e <= 12; e++) {
            boolean validated = e % 3 == 0;
            Double miou = validated ? (e == 9 ? 0.61 : 0.2 + 0.03 * e) : null;
            epochs.add(new EpochMetrics(e, 2.0 / e, 0.01, 10, 1, 10, 0, miou, validated ? 0.8 : null, null, 0));
        }
        return new MetricsHistory(epochs);
    }

    @Test
    void bothChartsShareTheEpochAxisWithIntegerTicksAndTitledAxes() {
        MetricsHistory h = history();
        JFreeChart loss = TrainingCharts.loss(h);
        JFreeChart miou = TrainingCharts.valMeanIoU(h);
        NumberAxis lx = (NumberAxis) loss.getXYPlot().getDomainAxis();
        NumberAxis mx = (NumberAxis) miou.getXYPlot().getDomainAxis();
        assertEquals(lx.getRange(), mx.getRange(), "aligned epoch ranges");
        assertEquals(0.75, lx.getLowerBound(), 1e-12);
        assertEquals(12.25, lx.getUpperBound(), 1e-12);
        assertEquals("epoch", lx.getLabel());
        assertEquals("epoch", mx.getLabel());
        assertEquals(1.0, lx.getStandardTickUnits().getCeilingTickUnit(0.3).getSize(), 0, "integer epoch ticks");
        assertEquals("training loss (per pixel)", loss.getXYPlot().getRangeAxis().getLabel());
        assertEquals("val mIoU", miou.getXYPlot().getRangeAxis().getLabel());
        assertEquals("61%", ((NumberAxis) miou.getXYPlot().getRangeAxis()).getNumberFormatOverride().format(0.61));
        assertEquals(0, miou.getXYPlot().getRangeAxis().getLowerBound(), 0);
        assertEquals(0.7, miou.getXYPlot().getRangeAxis().getUpperBound(), 1e-12);
        XYDataset lossData = loss.getXYPlot().getDataset();
        XYDataset miouData = miou.getXYPlot().getDataset();
        assertEquals(12, lossData.getItemCount(0));
        assertEquals(4, miouData.getItemCount(0), "validated epochs only");
        assertEquals(0.61, miouData.getYValue(0, 2), 0);
        for (JFreeChart c : List.of(loss, miou)) {
            XYPlot plot = c.getXYPlot();
            assertEquals(1, plot.getDomainMarkers(org.jfree.chart.ui.Layer.FOREGROUND).size());
            ValueMarker best = (ValueMarker) plot.getDomainMarkers(org.jfree.chart.ui.Layer.FOREGROUND).iterator().next();
            assertEquals(9, best.getValue(), 0, "the best epoch is marked on both");
        }
    }

    @Test
    void lossOfAResumedRunWithMixedUnitsPlotsTheLatestUnit() {
        EpochMetrics old = new EpochMetrics(1, 900, 0.01, 10, 1, 10, 0, null, null, null, 0, EpochMetrics.LossUnit.PER_IMAGE);
        EpochMetrics now = new EpochMetrics(2, 0.9, 0.01, 10, 1, 10, 0, null, null, null, 0);
        JFreeChart loss = TrainingCharts.loss(new MetricsHistory(List.of(old, now)));
        assertEquals(1, loss.getXYPlot().getDataset().getItemCount(0));
        assertEquals(0.75, loss.getXYPlot().getDomainAxis().getLowerBound(), 1e-12, "the axis still spans every epoch");
    }

    @Test
    void curvesPngIsTheTwoChartsSideBySide() throws Exception {
        byte[] png = TrainingCharts.curvesPng(history());
        Path out = Path.of("target", "training-curves-test.png");
        Files.write(out, png);
        var img = ImageIO.read(out.toFile());
        assertEquals(TrainingCharts.WIDTH, img.getWidth());
        assertEquals(TrainingCharts.HEIGHT, img.getHeight());
        // the loss line's blue in the left half, the mIoU line's red in the right half
        assertTrue(hasColour(img, 0, img.getWidth() / 2, 0x1f77b4));
        assertTrue(hasColour(img, img.getWidth() / 2, img.getWidth(), 0xd62728));
        assertTrue(!hasColour(img, 0, img.getWidth() / 2, 0xd62728));
    }

    @Test
    void aHistoryWithoutValidationStillDraws() {
        MetricsHistory h = new MetricsHistory(List.of(new EpochMetrics(1, 1.0, 0.01, 1, 1, 1, 0, null, null, null, 0)));
        byte[] png = TrainingCharts.png(TrainingCharts.valMeanIoU(h), 400, 300);
        assertTrue(png.length > 100);
        assertEquals(0, TrainingCharts.valMeanIoU(h).getXYPlot().getDataset().getItemCount(0));
    }

    private static boolean hasColour(java.awt.image.BufferedImage img, int x0, int x1, int rgb) {
        for (int x = x0; x < x1; x++) {
            for (int y = 0; y < img.getHeight(); y++) {
                if ((img.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    return true;
                }
            }
        }
        return false;
    }
}
