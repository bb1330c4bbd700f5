package io.segpipe.prep;

/** Validation helpers for config records: every message names the field and the value found. */
public final class Checks {

    private Checks() {
    }

    public static int atLeast(String field, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(field + " must be >= " + min + ", found " + value);
        }
        return value;
    }

    public static long atLeast(String field, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(field + " must be >= " + min + ", found " + value);
        }
        return value;
    }

    public static double inRange(String field, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(field + " must be in [" + min + ", " + max + "], found " + value);
        }
        return value;
    }

    public static long inRange(String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " must be in [" + min + ", " + max + "], found " + value);
        }
        return value;
    }

    public static <T> T notNull(String field, T value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " must be set, found null");
        }
        return value;
    }

    public static String notBlank(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must be a non-empty string, found "
                    + (value == null ? "null" : "\"" + value + "\""));
        }
        return value;
    }
}
