package io.segpipe.jobs.model;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

/**
 * Draws the training curves of a {@link MetricsHistory} as a PNG: training loss per epoch (left)
 * and val mIoU per validated epoch (right), with the best epoch marked. Plain Java2D, headless.
 */
public final class CurvePlot {
    static final int WIDTH = 960;
    static final int HEIGHT = 400;
    private static final int MARGIN = 56;

    private CurvePlot() {
    }

    /** PNG bytes of the two panels. */
    public static byte[] png(MetricsHistory history) {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            List<double[]> loss = new ArrayList<>();
            List<double[]> miou = new ArrayList<>();
            // A run resumed from a checkpoint of an earlier version may mix units: plot the latest one's epochs.
            EpochMetrics.LossUnit unit = history.last().map(EpochMetrics::lossUnit).orElse(EpochMetrics.LossUnit.PER_PIXEL);
            for (EpochMetrics e : history.epochs()) {
                if (Double.isFinite(e.loss()) && e.lossUnit() == unit) {
                    loss.add(new double[] {e.epoch(), e.loss()});
                }
                if (e.validated() && Double.isFinite(e.valMeanIoU())) {
                    miou.add(new double[] {e.epoch(), e.valMeanIoU()});
                }
            }
            int half = WIDTH / 2;
            double[] best = history.best().map(b -> new double[] {b.epoch(), b.valMeanIoU()}).orElse(null);
            panel(g, 0, half, "training loss " + unit.label(), loss, new Color(0x1f77b4), null, false);
            panel(g, half, half, "val mIoU", miou, new Color(0xd62728), best, true);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void panel(Graphics2D g, int x0, int w, String title, List<double[]> points, Color colour,
                              double[] marked, boolean unitRange) {
        int left = x0 + MARGIN;
        int right = x0 + w - 16;
        int top = 36;
        int bottom = HEIGHT - 40;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, left, 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawRect(left, top, right - left, bottom - top);
        if (points.isEmpty()) {
            g.drawString("no data", left + 10, top + 20);
            return;
        }
        double xMin = points.get(0)[0];
        double xMax = points.get(points.size() - 1)[0];
        if (xMax == xMin) {
            xMin -= 1;
            xMax += 1;
        }
        double yMin = unitRange ? 0 : Double.MAX_VALUE;
        double yMax = unitRange ? 0 : -Double.MAX_VALUE;
        for (double[] p : points) {
            yMin = Math.min(yMin, p[1]);
            yMax = Math.max(yMax, p[1]);
        }
        if (unitRange) {
            yMax = Math.min(1, Math.max(yMax * 1.1, 0.1));
        }
        if (yMax == yMin) {
            yMax = yMin + 1;
        }
        double pad = unitRange ? 0 : (yMax - yMin) * 0.05;
        yMin -= pad;
        yMax += pad;
        for (int t = 0; t <= 4; t++) {
            double v = yMin + (yMax - yMin) * t / 4;
            int y = sy(v, yMin, yMax, top, bottom);
            g.setColor(new Color(0xE0E0E0));
            g.drawLine(left + 1, y, right - 1, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "%.3g", v), x0 + 4, y + 4);
        }
        g.drawString("epoch " + (int) points.get(0)[0], left, bottom + 16);
        String last = "epoch " + (int) points.get(points.size() - 1)[0];
        g.drawString(last, right - g.getFontMetrics().stringWidth(last), bottom + 16);
        g.setColor(colour);
        g.setStroke(new BasicStroke(2f));
        int[] prev = null;
        for (double[] p : points) {
            int[] cur = {sx(p[0], xMin, xMax, left, right), sy(p[1], yMin, yMax, top, bottom)};
            if (prev != null) {
                g.drawLine(prev[0], prev[1], cur[0], cur[1]);
            }
            g.fillOval(cur[0] - 3, cur[1] - 3, 6, 6);
            prev = cur;
        }
        if (marked != null) {
            int mx = sx(marked[0], xMin, xMax, left, right);
            int my = sy(marked[1], yMin, yMax, top, bottom);
            g.setColor(Color.BLACK);
            g.drawOval(mx - 7, my - 7, 14, 14);
            g.drawString(String.format(Locale.ROOT, "best %.4f @ %d", marked[1], (int) marked[0]), left + 8, top + 16);
        }
    }

    private static int sx(double v, double min, double max, int left, int right) {
        return (int) Math.round(left + (v - min) / (max - min) * (right - left));
    }

    private static int sy(double v, double min, double max, int top, int bottom) {
        return (int) Math.round(bottom - (v - min) / (max - min) * (bottom - top));
    }
}
