package io.segpipe.prep.synth;

import io.segpipe.prep.Json;
import io.segpipe.prep.codec.ImageCodec;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticDatasetGeneratorTest {

    @TempDir
    Path tmp;

    @Test
    void sameSeedSameBytesOtherSeedOtherPictures() throws Exception {
        SyntheticConfig c = SyntheticConfig.DEFAULT.withSamples(5).withSize(40, 48);
        SyntheticDatasetGenerator.generate(c, tmp.resolve("a").toString(), new Configuration());
        SyntheticDatasetGenerator.generate(c, tmp.resolve("b").toString(), new Configuration());
        SyntheticDatasetGenerator.generate(c.withSeed(8), tmp.resolve("c").toString(), new Configuration());
        for (int i = 0; i < 5; i++) {
            String f = SyntheticDatasetGenerator.id(i) + ".png";
            assertArrayEquals(Files.readAllBytes(tmp.resolve("a/images/" + f)), Files.readAllBytes(tmp.resolve("b/images/" + f)));
            assertArrayEquals(Files.readAllBytes(tmp.resolve("a/labels/" + f)), Files.readAllBytes(tmp.resolve("b/labels/" + f)));
            assertFalse(java.util.Arrays.equals(Files.readAllBytes(tmp.resolve("a/images/" + f)),
                    Files.readAllBytes(tmp.resolve("c/images/" + f))));
            var img = ImageCodec.decodeImage(Files.readAllBytes(tmp.resolve("a/images/" + f)));
            assertEquals(48, img.width());
            assertEquals(40, img.height());
        }
    }

    @Test
    void everyClassAndTheIgnoreLabelOccurAndNothingElse() {
        long[] counts = new long[256];
        SyntheticConfig c = SyntheticConfig.DEFAULT.withSamples(30);
        for (int i = 0; i < c.samples(); i++) {
            for (byte b : SyntheticDatasetGenerator.render(c, i).label()) {
                counts[b & 0xFF]++;
            }
        }
        for (int cls = 0; cls < 4; cls++) {
            assertTrue(counts[cls] > 0, "class " + cls);
        }
        assertTrue(counts[255] > 0, "ignore");
        long other = 0;
        for (int v = 4; v < 255; v++) {
            other += counts[v];
        }
        assertEquals(0, other);
        assertEquals(4, SyntheticDatasetGenerator.classTable().numClasses());
    }

    @Test
    void configRoundTripsThroughJson() {
        SyntheticConfig c = new SyntheticConfig(10, 20, 30, 2, false, 99);
        assertEquals(c, Json.read(Json.write(c), SyntheticConfig.class));
    }
}
