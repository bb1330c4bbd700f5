package io.segpipe.prep;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HashesTest {

    @Test
    void sha256HexMatchesTheStandardTestVector() {
        // FIPS 180-2, appendix B.1
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Hashes.sha256Hex("abc"));
    }

    @Test
    void stringsAreHashedAsUtf8() {
        String text = "{\"name\":\"Straße\"}";
        assertEquals(Hashes.sha256Hex(text.getBytes(StandardCharsets.UTF_8)), Hashes.sha256Hex(text));
    }

    @Test
    void incrementalDigestEqualsOneShot() {
        var digest = Hashes.sha256();
        digest.update("ab".getBytes(StandardCharsets.UTF_8));
        digest.update("c".getBytes(StandardCharsets.UTF_8));
        assertEquals(Hashes.sha256Hex("abc"), java.util.HexFormat.of().formatHex(digest.digest()));
    }
}
