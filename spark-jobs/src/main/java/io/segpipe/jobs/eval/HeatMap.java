package io.segpipe.jobs.eval;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.codec.RasterImage;

/**
 * The row-normalised confusion matrix as a PNG heat map: cell (t, p) is the share of true class
 * t's pixels predicted as p, white (0) to dark blue (1); rows of classes absent from the ground
 * truth are hatched grey. Class names label both axes; shares are printed in cells that are big
 * enough. Plain Java2D (headless).
 */
final class HeatMap {

    private HeatMap() {
    }

    /** PNG bytes of the heat map of {@code matrix} with the class {@code names}. */
    static byte[] png(ConfusionMatrix matrix, List<String> names) {
        System.setProperty("java.awt.headless", "true");
        int k = matrix.numClasses();
        double[][] share = matrix.rowNormalised();
        int cell = Math.max(10, Math.min(48, 640 / k));
        Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(9, Math.min(13, cell - 2)));
        Font cellFont = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(8, Math.min(12, cell / 3)));
        Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 14);
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        FontMetrics fm = pg.getFontMetrics(labelFont);
        int longest = 0;
        for (String n : names) {
            longest = Math.max(longest, fm.stringWidth(n));
        }
        pg.dispose();
        int left = longest + 30;
        int top = longest + 44;
        int legendWidth = 70;
        int width = left + k * cell + legendWidth + 10;
        int height = top + k * cell + 40;

        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(titleFont);
            String predicted = "prediction";
            g.drawString(predicted, left + (k * cell - g.getFontMetrics().stringWidth(predicted)) / 2, 18);
            g.setFont(labelFont);
            // column labels, rotated
            for (int p = 0; p < k; p++) {
                AffineTransform saved = g.getTransform();
                g.translate(left + p * cell + cell / 2 + fm.getAscent() / 2 - 1, top - 6);
                g.rotate(-Math.PI / 2);
                g.drawString(names.get(p), 0, 0);
                g.setTransform(saved);
            }
            // row labels
            for (int t = 0; t < k; t++) {
                String n = names.get(t);
                g.drawString(n, left - 8 - fm.stringWidth(n), top + t * cell + cell / 2 + fm.getAscent() / 2 - 1);
            }
            g.setFont(cellFont);
            FontMetrics cfm = g.getFontMetrics();
            for (int t = 0; t < k; t++) {
                for (int p = 0; p < k; p++) {
                    int x = left + p * cell;
                    int y = top + t * cell;
                    double v = share[t][p];
                    if (Double.isNaN(v)) {
                        g.setColor(new Color(0xE6E6E6));
                        g.fillRect(x, y, cell, cell);
                        g.setColor(new Color(0xBBBBBB));
                        for (int d = -cell; d < cell; d += 6) {
                            g.drawLine(x + Math.max(0, d), y + Math.max(0, -d), x + Math.min(cell, cell + d),
                                    y + Math.min(cell, cell - d));
                        }
                        continue;
                    }
                    Color c = blues(v);
                    g.setColor(c);
                    g.fillRect(x, y, cell, cell);
                    if (cell >= 26 && v >= 0.005) {
                        String s = String.format(Locale.ROOT, "%.0f", v * 100);
                        g.setColor(v > 0.5 ? Color.WHITE : Color.BLACK);
                        g.drawString(s, x + (cell - cfm.stringWidth(s)) / 2, y + cell / 2 + cfm.getAscent() / 2 - 1);
                    }
                }
            }
            g.setColor(Color.GRAY);
            g.drawRect(left, top, k * cell, k * cell);
            for (int d = 0; d < k; d++) {
                g.setColor(new Color(0xD62728));
                g.drawRect(left + d * cell, top + d * cell, cell - 1, cell - 1);
            }
            // legend
            int lx = left + k * cell + 20;
            int lh = Math.min(k * cell, 200);
            for (int i = 0; i < lh; i++) {
                g.setColor(blues(1 - (double) i / (lh - 1)));
                g.fillRect(lx, top + i, 14, 1);
            }
            g.setColor(Color.GRAY);
            g.drawRect(lx, top, 14, lh);
            g.setColor(Color.BLACK);
            g.setFont(labelFont);
            g.drawString("100%", lx + 18, top + fm.getAscent() / 2 + 2);
            g.drawString("0%", lx + 18, top + lh);
            g.setFont(titleFont);
            AffineTransform saved = g.getTransform();
            String truth = "ground truth";
            g.translate(18, top + (k * cell + g.getFontMetrics().stringWidth(truth)) / 2);
            g.rotate(-Math.PI / 2);
            g.drawString(truth, 0, 0);
            g.setTransform(saved);
            g.setFont(cellFont);
            g.setColor(Color.DARK_GRAY);
            g.drawString("cell = % of the true class's pixels; red frame = correct; hatched = class absent from truth",
                    8, height - 12);
        } finally {
            g.dispose();
        }
        return ImageCodec.encodePng(toRaster(img));
    }

    /** Matplotlib-like "Blues": white at 0 to dark blue at 1. */
    static Color blues(double v) {
        double t = Math.max(0, Math.min(1, v));
        int[][] stops = {{247, 251, 255}, {198, 219, 239}, {107, 174, 214}, {33, 113, 181}, {8, 48, 107}};
        double pos = t * (stops.length - 1);
        int i = Math.min(stops.length - 2, (int) Math.floor(pos));
        double f = pos - i;
        int r = (int) Math.round(stops[i][0] + f * (stops[i + 1][0] - stops[i][0]));
        int gr = (int) Math.round(stops[i][1] + f * (stops[i + 1][1] - stops[i][1]));
        int b = (int) Math.round(stops[i][2] + f * (stops[i + 1][2] - stops[i][2]));
        return new Color(r, gr, b);
    }

    static RasterImage toRaster(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        byte[] px = new byte[w * h * 3];
        for (int i = 0; i < argb.length; i++) {
            px[3 * i] = (byte) (argb[i] >> 16);
            px[3 * i + 1] = (byte) (argb[i] >> 8);
            px[3 * i + 2] = (byte) argb[i];
        }
        return new RasterImage(w, h, 3, px);
    }
}
