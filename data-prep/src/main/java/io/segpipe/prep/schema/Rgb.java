package io.segpipe.prep.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.io.Serializable;
import java.util.List;

/** An 8-bit RGB colour; JSON form {@code [r, g, b]}. */
public record Rgb(int r, int g, int b) implements Serializable {

    public Rgb {
        check("r", r);
        check("g", g);
        check("b", b);
    }

    private static void check(String channel, int v) {
        if (v < 0 || v > 255) {
            throw new IllegalArgumentException("colour channel " + channel + " must be in [0, 255], found " + v);
        }
    }

    /** Packs into {@code 0xRRGGBB}. */
    public int packed() {
        return (r << 16) | (g << 8) | b;
    }

    public static Rgb ofPacked(int rgb) {
        return new Rgb((rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF);
    }

    @JsonCreator
    static Rgb fromJson(List<Integer> rgb) {
        if (rgb == null || rgb.size() != 3) {
            throw new IllegalArgumentException("colour must be [r, g, b], found " + rgb);
        }
        return new Rgb(rgb.get(0), rgb.get(1), rgb.get(2));
    }

    @JsonValue
    List<Integer> toJson() {
        return List.of(r, g, b);
    }

    @Override
    public String toString() {
        return "(" + r + "," + g + "," + b + ")";
    }
}
