package io.segpipe.jobs.score;

import java.util.Locale;

import io.segpipe.prep.Hashes;

/**
 * The file name of an image's mask inside the masks folder: a readable prefix of the id and a
 * hash of the exact id, e.g. {@code sub_img3-fce910b3159e2a26.png} for {@code sub/img3.png}.
 *
 * <p>Ids come from file paths relative to the input folder, or from a prepared dataset, whose ids
 * a manifest CSV takes from the image paths as written: {@code ../x}, {@code file:/data/a},
 * {@code hdfs://nn:8020/a}, {@code /etc/x}, {@code 10:00:01} are all valid ids. Used as a path
 * below the masks folder they would escape it (Hadoop's {@code new Path(parent, child)} takes a
 * child with a scheme or a leading slash as absolute) or fail to parse ({@code 10:} reads as a
 * scheme). So the name is built, not derived:
 * <ul>
 * <li>the prefix keeps ASCII letters, digits and {@code -} of the id without its image extension;
 *     every run of other characters (separators, {@code :}, {@code .}, backslash, NUL, control and
 *     non-ASCII characters) becomes one {@code _}; leading and trailing {@code _}/{@code -} are
 *     dropped (a leading {@code _} or {@code .} would hide the file from Hadoop readers), and it is
 *     cut to {@value #MAX_PREFIX} characters ({@code mask} when nothing is left);</li>
 * <li>the suffix is the first {@value #HASH_CHARS} hex digits of the SHA-256 of the id's UTF-8
 *     bytes, so ids that differ in any character, including only in case (on case-insensitive
 *     file systems too: the hash is lower-case hex), get different names.</li>
 * </ul>
 * A name therefore has no separator, no {@code ..}, at most 85 characters and never starts with
 * {@code .} or {@code _}. It depends on the id only, so a resumed run names a mask as the first
 * run did. Two ids share a name only if they share the prefix and the 64-bit hash (for a million
 * ids that all share one prefix, a chance of about 3e-8). The scores name each row's mask in
 * {@link ScoreSchema#MASK_FILE}: read the name there rather than computing it.
 */
final class MaskNames {

    static final int MAX_PREFIX = 64;
    static final int HASH_CHARS = 16;
    private static final String[] IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg"};

    private MaskNames() {
    }

    /** The mask file name of {@code id}. */
    static String of(String id) {
        return prefix(withoutImageExtension(id)) + "-" + Hashes.sha256Hex(id).substring(0, HASH_CHARS) + ".png";
    }

    private static String withoutImageExtension(String id) {
        String lower = id.toLowerCase(Locale.ROOT);
        for (String ext : IMAGE_EXTENSIONS) {
            if (lower.endsWith(ext)) {
                return id.substring(0, id.length() - ext.length());
            }
        }
        return id;
    }

    private static String prefix(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_PREFIX));
        boolean replaced = false;
        for (int i = 0; i < s.length() && b.length() < MAX_PREFIX; i++) {
            char c = s.charAt(i);
            if (isKept(c)) {
                b.append(c);
                replaced = false;
            } else if (!replaced) {
                b.append('_');
                replaced = true;
            }
        }
        int start = 0;
        int end = b.length();
        while (start < end && isTrimmed(b.charAt(start))) {
            start++;
        }
        while (end > start && isTrimmed(b.charAt(end - 1))) {
            end--;
        }
        return start == end ? "mask" : b.substring(start, end);
    }

    private static boolean isKept(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    }

    private static boolean isTrimmed(char c) {
        return c == '_' || c == '-';
    }
}
