package io.segpipe.jobs.eval;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.codec.RasterImage;

/**
 * The row-normalised confusion matrix as a PNG heat map: cell (t, p) is the share of true class
 * t's pixels predicted as p, white (0) to dark blue (1), printed in percent with one decimal
 * ({@link #cellText}) where the cells are big enough to hold "100.0"; rows of classes absent from
 * the ground truth are hatched grey. Class names label both axes. The footnote is wrapped to the
 * image's width, so nothing is cut off. Plain Java2D (headless).
 */
final class HeatMap {

    /** The smallest width, so that a matrix of few classes still has room for its footnote's lines. */
    static final int MIN_WIDTH = 420;
    static final String FOOTNOTE = "Cell = % of the true class's pixels (one decimal; <0.1 for a non-zero share below "
            + "0.05 %); red frame = correct prediction; hatched = class absent from the ground truth.";
    static final String NO_VALUES = " Too many classes to print the values: the counts are in report.json.";

    private HeatMap() {
    }

    /** What was written where: every text drawn, with its bounds in image pixels. */
    enum Part { TITLE, LABEL, CELL, LEGEND, FOOTNOTE }

    /** A text drawn on the heat map: its part, the string and its bounds in image pixels. */
    record PlacedText(Part part, String text, Rectangle2D bounds) {
    }

    /** A drawn heat map: the image and every text on it. */
    record Drawing(BufferedImage image, List<PlacedText> texts) {
        byte[] png() {
            return ImageCodec.encodePng(toRaster(image));
        }
    }

    /** PNG bytes of the heat map of {@code matrix} with the class {@code names}. */
    static byte[] png(ConfusionMatrix matrix, List<String> names) {
        return draw(matrix, names).png();
    }

    /**
     * The text of a cell whose share is {@code share}: percent with one decimal ({@code 0.964 ->
     * "96.4"}), {@code "<0.1"} for a non-zero share that would round to 0.0, empty for 0 and NaN.
     */
    static String cellText(double share) {
        if (Double.isNaN(share) || share <= 0) {
            return "";
        }
        if (share < 0.0005) {
            return "<0.1";
        }
        return String.format(Locale.ROOT, "%.1f", share * 100);
    }

    /** Draws the heat map of {@code matrix} with the class {@code names}. */
    static Drawing draw(ConfusionMatrix matrix, List<String> names) {
        System.setProperty("java.awt.headless", "true");
        int k = matrix.numClasses();
        double[][] share = matrix.rowNormalised();
        int cell = Math.max(10, Math.min(48, 640 / k));
        Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(9, Math.min(13, cell - 2)));
        Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 14);
        Font noteFont = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        pg.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        FontMetrics fm = pg.getFontMetrics(labelFont);
        int longest = 0;
        for (String n : names) {
            longest = Math.max(longest, fm.stringWidth(n));
        }
        Font cellFont = cellFont(pg, cell);
        int left = longest + 34;
        int top = longest + 44;
        int legendWidth = 80;
        int width = Math.max(MIN_WIDTH, left + k * cell + legendWidth + 10);
        FontMetrics nfm = pg.getFontMetrics(noteFont);
        List<String> footnote = wrap(FOOTNOTE + (cellFont == null ? NO_VALUES : ""), nfm, width - 16);
        pg.dispose();
        int lineHeight = nfm.getHeight();
        int height = top + k * cell + 16 + footnote.size() * lineHeight + 8;

        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        List<PlacedText> texts = new ArrayList<>();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(titleFont);
            String predicted = "prediction";
            text(g, texts, Part.TITLE, predicted, left + (k * cell - g.getFontMetrics().stringWidth(predicted)) / 2f, 18);
            g.setFont(labelFont);
            // column labels, rotated
            for (int p = 0; p < k; p++) {
                AffineTransform saved = g.getTransform();
                g.translate(left + p * cell + cell / 2 + fm.getAscent() / 2 - 1, top - 6);
                g.rotate(-Math.PI / 2);
                text(g, texts, Part.LABEL, names.get(p), 0, 0);
                g.setTransform(saved);
            }
            // row labels
            for (int t = 0; t < k; t++) {
                String n = names.get(t);
                text(g, texts, Part.LABEL, n, left - 8 - fm.stringWidth(n), top + t * cell + cell / 2f + fm.getAscent() / 2f - 1);
            }
            if (cellFont != null) {
                g.setFont(cellFont);
            }
            FontMetrics cfm = g.getFontMetrics();
            for (int t = 0; t < k; t++) {
                for (int p = 0; p < k; p++) {
                    int x = left + p * cell;
                    int y = top + t * cell;
                    double v = share[t][p];
                    if (Double.isNaN(v)) {
                        hatch(g, x, y, cell);
                        continue;
                    }
                    g.setColor(blues(v));
                    g.fillRect(x, y, cell, cell);
                    String s = cellText(v);
                    if (cellFont != null && !s.isEmpty()) {
                        g.setColor(v > 0.5 ? Color.WHITE : Color.BLACK);
                        text(g, texts, Part.CELL, s, x + (cell - cfm.stringWidth(s)) / 2f,
                                y + cell / 2f + cfm.getAscent() / 2f - 1);
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
            text(g, texts, Part.LEGEND, "100%", lx + 18, top + fm.getAscent());
            text(g, texts, Part.LEGEND, "0%", lx + 18, top + lh);
            g.setFont(titleFont);
            AffineTransform saved = g.getTransform();
            String truth = "ground truth";
            g.translate(18, top + (k * cell + g.getFontMetrics().stringWidth(truth)) / 2);
            g.rotate(-Math.PI / 2);
            text(g, texts, Part.TITLE, truth, 0, 0);
            g.setTransform(saved);
            g.setFont(noteFont);
            g.setColor(Color.DARK_GRAY);
            int y = top + k * cell + 16 + nfm.getAscent();
            for (String line : footnote) {
                text(g, texts, Part.FOOTNOTE, line, 8, y);
                y += lineHeight;
            }
        } finally {
            g.dispose();
        }
        return new Drawing(img, List.copyOf(texts));
    }

    /** The largest font of at most 12 pt that fits "100.0" in a cell, or null when not even 8 pt does. */
    private static Font cellFont(Graphics2D g, int cell) {
        for (int size = Math.min(12, cell / 3 + 2); size >= 8; size--) {
            Font f = new Font(Font.SANS_SERIF, Font.PLAIN, size);
            FontMetrics m = g.getFontMetrics(f);
            if (m.stringWidth("100.0") <= cell - 4 && m.getAscent() <= cell - 4) {
                return f;
            }
        }
        return null;
    }

    /** {@code text} broken into lines at spaces, each at most {@code width} pixels wide when a word allows. */
    static List<String> wrap(String text, FontMetrics fm, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (word.isEmpty()) {
                continue;
            }
            String candidate = line.length() == 0 ? word : line + " " + word;
            if (line.length() > 0 && fm.stringWidth(candidate) > width) {
                lines.add(line.toString());
                line.setLength(0);
                line.append(word);
            } else {
                line.setLength(0);
                line.append(candidate);
            }
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }

    private static void text(Graphics2D g, List<PlacedText> texts, Part part, String s, float x, float y) {
        g.drawString(s, x, y);
        Rectangle2D b = g.getFontMetrics().getStringBounds(s, g);
        Rectangle2D at = new Rectangle2D.Double(x + b.getX(), y + b.getY(), b.getWidth(), b.getHeight());
        texts.add(new PlacedText(part, s, g.getTransform().createTransformedShape(at).getBounds2D()));
    }

    private static void hatch(Graphics2D g, int x, int y, int cell) {
        g.setColor(new Color(0xE6E6E6));
        g.fillRect(x, y, cell, cell);
        g.setColor(new Color(0xBBBBBB));
        for (int d = -cell; d < cell; d += 6) {
            g.drawLine(x + Math.max(0, d), y + Math.max(0, -d), x + Math.min(cell, cell + d), y + Math.min(cell, cell - d));
        }
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
