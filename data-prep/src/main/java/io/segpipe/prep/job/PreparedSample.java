package io.segpipe.prep.job;

import io.segpipe.prep.Hashes;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;

/** One valid sample, ready to become a shard row ({@link ShardWriter}). */
record PreparedSample(String id, String split, byte[] image, byte[] label, int height, int width, int channels,
                      long[] classPixels, String imagePath, String labelPath) {

    /** SHA-256 hex of the stored image bytes then the stored label bytes, each preceded by its length. */
    static String contentHash(byte[] image, byte[] label) {
        MessageDigest d = Hashes.sha256();
        d.update(ByteBuffer.allocate(8).putLong(image.length).array());
        d.update(image);
        d.update(ByteBuffer.allocate(8).putLong(label.length).array());
        d.update(label);
        return HexFormat.of().formatHex(d.digest());
    }
}
