package io.segpipe.prep.job;

import io.segpipe.prep.codec.BadInputException;
import io.segpipe.prep.codec.ImageCodec;
import io.segpipe.prep.codec.LabelRaster;
import io.segpipe.prep.schema.ClassTable;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabelMapperTest {

    private static LabelRaster grey(int w, byte... values) {
        return new LabelRaster(w, values.length / w, LabelRaster.Kind.GREY, values, null);
    }

    @Test
    void identityIdsKeepTheSourceAndCountEveryValue() throws Exception {
        LabelMapper m = new LabelMapper(ClassTable.of(255, "a", "b", "c"), LabelFormat.IDS, Map.of());
        LabelMapper.Mapped r = m.map(grey(3, (byte) 0, (byte) 2, (byte) 2, (byte) 255, (byte) 1, (byte) 2));
        assertTrue(r.sameAsSource());
        assertEquals(1, r.idCounts()[0]);
        assertEquals(1, r.idCounts()[1]);
        assertEquals(3, r.idCounts()[2]);
        assertEquals(1, r.idCounts()[255]);
    }

    @Test
    void valueMapRewritesIdsAndTheirCounts() throws Exception {
        LabelMapper m = new LabelMapper(ClassTable.of(null, "membrane", "cell"), LabelFormat.IDS, Map.of(0, 0, 255, 1));
        LabelMapper.Mapped r = m.map(grey(2, (byte) 255, (byte) 0, (byte) 255, (byte) 255));
        assertFalse(r.sameAsSource());
        assertArrayEquals(new byte[]{1, 0, 1, 1}, r.ids());
        assertEquals(1, r.idCounts()[0]);
        assertEquals(3, r.idCounts()[1]);
        assertEquals(0, r.idCounts()[255]);
    }

    /**
     * A mask written as an indexed PNG (pixel = class id, palette = class colours, as segpipe score
     * writes masks) reads back through prep's label path to the same ids, as class ids (IDS) and as
     * colour-coded labels (COLOURS): Pascal VOC style, with the ignore label 255 and its colour.
     */
    @Test
    void anIndexedMaskReadsBackToItsIdsAsIdsAndAsColours() throws Exception {
        ClassTable classes = ClassTable.pascalVoc();
        int[] palette = new int[256];
        java.util.Arrays.fill(palette, 0xFF00FF);
        for (var c : classes.classes()) {
            palette[c.id()] = c.colour().packed();
        }
        palette[255] = classes.ignoreColour().packed();
        int w = 6;
        byte[] ids = new byte[w * 4];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i % 7 == 6 ? (byte) 255 : (byte) ((i * 3) % classes.numClasses());
        }
        LabelRaster label = ImageCodec.decodeLabel(ImageCodec.encodeIndexedPng(w, 4, ids, palette));
        assertEquals(LabelRaster.Kind.PALETTE, label.kind());

        LabelMapper.Mapped asIds = new LabelMapper(classes, LabelFormat.IDS, Map.of()).map(label);
        assertArrayEquals(ids, asIds.ids());
        assertEquals(3, asIds.idCounts()[255]);
        LabelMapper.Mapped asColours = new LabelMapper(classes, LabelFormat.COLOURS, Map.of()).map(label);
        assertArrayEquals(ids, asColours.ids());
        assertEquals(3, asColours.idCounts()[255]);
    }

    @Test
    void badValuesNameTheFirstOneAndCountAll() {
        LabelMapper m = new LabelMapper(ClassTable.of(255, "a", "b", "c"), LabelFormat.IDS, Map.of());
        String reason = assertThrows(BadInputException.class,
                () -> m.map(grey(2, (byte) 0, (byte) 1, (byte) 9, (byte) 7, (byte) 9, (byte) 2))).reason();
        assertEquals("label value 9 at (x=0, y=1) is outside the class table (class ids 0..2, ignore 255); 3 such pixels",
                reason);
    }
}
