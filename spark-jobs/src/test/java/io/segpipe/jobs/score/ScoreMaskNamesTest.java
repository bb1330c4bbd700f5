package io.segpipe.jobs.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

/** Every id maps to one plain, bounded, visible file name of its own, directly inside the masks folder. */
class ScoreMaskNamesTest {

    private static final List<String> IDS = ScoreIdForms.all("/data/tmp");

    @Test
    void everyIdFormGivesAPlainBoundedVisibleName() {
        Path masks = new Path("hdfs://nn:8020/out/masks");
        for (String id : IDS) {
            String name = MaskNames.of(id);
            String shown = id.length() > 40 ? id.substring(0, 40) + "..." : id;
            assertTrue(name.matches("[A-Za-z0-9][A-Za-z0-9_-]*-[0-9a-f]{16}\\.png") || name.matches("mask-[0-9a-f]{16}\\.png"),
                    shown + " -> " + name);
            assertTrue(name.length() <= MaskNames.MAX_PREFIX + 1 + MaskNames.HASH_CHARS + 4, shown + " -> " + name);
            assertFalse(name.contains(".."), name);
            assertEquals(masks, new Path(masks, name).getParent(), shown + ": the mask stays directly in the folder");
            assertEquals(name, MaskNames.of(id), "the same id always gives the same name");
        }
    }

    @Test
    void noTwoIdsShareANameEvenIgnoringCase() {
        Map<String, String> byName = new HashMap<>();
        for (String id : IDS) {
            String previous = byName.put(MaskNames.of(id).toLowerCase(Locale.ROOT), id);
            assertEquals(null, previous, "ids " + previous + " and " + id + " share a name");
        }
        assertEquals(IDS.size(), byName.size());
    }

    @Test
    void thePrefixIsReadable() {
        assertEquals("a_b-", MaskNames.of("a b").substring(0, 4));
        assertEquals("a_b-", MaskNames.of("a/b").substring(0, 4));
        assertEquals("a_b-", MaskNames.of("a:b").substring(0, 4));
        assertTrue(MaskNames.of("file:/data/img/0001").startsWith("file_data_img_0001-"));
        assertTrue(MaskNames.of("10:00:01").startsWith("10_00_01-"));
        assertTrue(MaskNames.of("../x").startsWith("x-"));
        assertTrue(MaskNames.of(".hidden").startsWith("hidden-"));
        assertTrue(MaskNames.of("").startsWith("mask-"));
        assertEquals("sub_img3-fce910b3159e2a26.png", MaskNames.of("sub/img3.png"), "the documented example");
        assertEquals(MaskNames.MAX_PREFIX, MaskNames.of("x".repeat(5000)).indexOf('-'));
    }
}
