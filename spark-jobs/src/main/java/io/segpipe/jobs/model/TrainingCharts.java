package io.segpipe.jobs.model;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.NumberFormat;
import java.util.Locale;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The training curves of a {@link MetricsHistory}, drawn with JFreeChart (headless): the training
 * loss per epoch and the validation mIoU per validated epoch. Both charts share one epoch axis
 * (the run's first to last epoch, integer ticks), so an epoch sits at the same x in both, and both
 * mark the best validated epoch (the one {@code model.zip} holds when validation ran) with a
 * dashed line.
 *
 * <p>A run resumed from a checkpoint of an earlier segpipe may mix loss units
 * ({@link EpochMetrics.LossUnit}); the loss chart plots the epochs in the latest epoch's unit and
 * names it on its axis.
 *
 * <p>JFreeChart rather than XChart: one jar with no runtime dependencies and PNG export through
 * plain Java2D (XChart brings PDFBox and two more libraries for its vector and GIF export).
 */
public final class TrainingCharts {

    /** Size of the model directory's {@link ModelDirectory#CURVES}: the two charts side by side. */
    static final int WIDTH = 960;
    static final int HEIGHT = 400;

    private static final Color LOSS = new Color(0x1f77b4);
    private static final Color MIOU = new Color(0xd62728);
    private static final Color GRID = new Color(0xDDDDDD);
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    private static final Font AXIS_LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Font TICKS = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

    private TrainingCharts() {
    }

    /** Training loss per epoch, in the unit of the latest epoch (named on the y axis). */
    public static JFreeChart loss(MetricsHistory history) {
        EpochMetrics.LossUnit unit = history.last().map(EpochMetrics::lossUnit).orElse(EpochMetrics.LossUnit.PER_PIXEL);
        XYSeries series = new XYSeries("training loss");
        for (EpochMetrics e : history.epochs()) {
            if (Double.isFinite(e.loss()) && e.lossUnit() == unit) {
                series.add(e.epoch(), e.loss());
            }
        }
        JFreeChart chart = chart("Training loss", "training loss (" + unit.label() + ")", series, LOSS, history);
        NumberAxis y = (NumberAxis) chart.getXYPlot().getRangeAxis();
        y.setAutoRangeIncludesZero(false);
        y.setAutoRangeMinimumSize(1e-6);
        return chart;
    }

    /** Validation mIoU per validated epoch, as a percentage on a y axis from 0. */
    public static JFreeChart valMeanIoU(MetricsHistory history) {
        XYSeries series = new XYSeries("val mIoU");
        double max = 0;
        for (EpochMetrics e : history.epochs()) {
            if (e.validated() && Double.isFinite(e.valMeanIoU())) {
                series.add(e.epoch(), e.valMeanIoU());
                max = Math.max(max, e.valMeanIoU());
            }
        }
        JFreeChart chart = chart("Validation mIoU", "val mIoU", series, MIOU, history);
        NumberAxis y = (NumberAxis) chart.getXYPlot().getRangeAxis();
        // from 0, so two runs' charts compare by eye; headroom to the next 10 %
        y.setRange(0, Math.min(1, Math.max(0.1, Math.ceil((max + 0.02) * 10) / 10)));
        NumberFormat percent = NumberFormat.getPercentInstance(Locale.ROOT);
        y.setNumberFormatOverride(percent);
        chart.getXYPlot().setNoDataMessage("no validated epoch");
        return chart;
    }

    /** PNG bytes of {@code chart} at {@code width x height}. */
    public static byte[] png(JFreeChart chart, int width, int height) {
        System.setProperty("java.awt.headless", "true");
        try {
            return ChartUtils.encodeAsPNG(chart.createBufferedImage(width, height));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** PNG bytes of the loss chart (left) and the val mIoU chart (right), {@value #WIDTH} x {@value #HEIGHT}. */
    public static byte[] curvesPng(MetricsHistory history) {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            loss(history).draw(g, new Rectangle2D.Double(0, 0, WIDTH / 2.0, HEIGHT));
            valMeanIoU(history).draw(g, new Rectangle2D.Double(WIDTH / 2.0, 0, WIDTH / 2.0, HEIGHT));
        } finally {
            g.dispose();
        }
        try {
            return ChartUtils.encodeAsPNG(img);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The epoch range both charts show: the history's first to last epoch, with a quarter epoch
     * of margin so the end points do not sit on the frame.
     */
    static double[] epochRange(MetricsHistory history) {
        if (history.epochs().isEmpty()) {
            return new double[] {0.75, 1.25};
        }
        int first = history.epochs().get(0).epoch();
        int last = history.epochs().get(history.epochs().size() - 1).epoch();
        return new double[] {first - 0.25, last + 0.25};
    }

    private static JFreeChart chart(String title, String yTitle, XYSeries series, Color colour, MetricsHistory history) {
        NumberAxis x = new NumberAxis("epoch");
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits(Locale.ROOT));
        double[] range = epochRange(history);
        x.setRange(range[0], range[1]);
        NumberAxis y = new NumberAxis(yTitle);
        for (NumberAxis axis : new NumberAxis[] {x, y}) {
            axis.setLabelFont(AXIS_LABEL);
            axis.setTickLabelFont(TICKS);
        }
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        renderer.setSeriesPaint(0, colour);
        renderer.setSeriesStroke(0, new BasicStroke(2f));
        XYPlot plot = new XYPlot(new XYSeriesCollection(series), x, y, renderer);
        plot.setOrientation(PlotOrientation.VERTICAL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        plot.setOutlinePaint(Color.GRAY);
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        plot.setNoDataMessage("no data");
        history.best().ifPresent(best -> {
            ValueMarker marker = new ValueMarker(best.epoch());
            marker.setPaint(Color.DARK_GRAY);
            marker.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                    new float[] {4f, 4f}, 0f));
            marker.setLabel(String.format(Locale.ROOT, "best val mIoU: epoch %d", best.epoch()));
            marker.setLabelFont(TICKS);
            marker.setLabelPaint(Color.DARK_GRAY);
            marker.setLabelBackgroundColor(new Color(255, 255, 255, 220));
            // the label inside the plot, on the side of the line with more room
            boolean rightHalf = best.epoch() > (range[0] + range[1]) / 2;
            marker.setLabelAnchor(rightHalf ? RectangleAnchor.TOP_LEFT : RectangleAnchor.TOP_RIGHT);
            marker.setLabelTextAnchor(rightHalf ? TextAnchor.TOP_RIGHT : TextAnchor.TOP_LEFT);
            marker.setLabelOffset(new RectangleInsets(4, 6, 4, 6));
            plot.addDomainMarker(marker);
        });
        JFreeChart chart = new JFreeChart(title, TITLE, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(6, 6, 6, 14));
        return chart;
    }
}
