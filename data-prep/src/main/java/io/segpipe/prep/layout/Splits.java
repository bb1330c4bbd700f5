package io.segpipe.prep.layout;

import java.util.regex.Pattern;

/** Split names: they become directory names ({@code split=train}), so the alphabet is restricted. */
public final class Splits {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private Splits() {
    }

    /** Returns {@code name}, or fails naming {@code field} when it is not 1-64 of [A-Za-z0-9_-]. */
    public static String requireName(String field, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(field + " must be 1-64 characters of [A-Za-z0-9_-], found "
                    + (name == null ? "null" : "\"" + name + "\""));
        }
        return name;
    }
}
