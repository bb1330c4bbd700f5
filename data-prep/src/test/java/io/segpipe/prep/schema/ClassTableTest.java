package io.segpipe.prep.schema;

import io.segpipe.prep.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassTableTest {

    @Test
    void presetsRoundTripThroughJson() {
        for (ClassTable t : List.of(ClassTable.camvid(), ClassTable.pascalVoc(), ClassTable.of(null, "a", "b"))) {
            assertEquals(t, Json.read(Json.write(t), ClassTable.class));
        }
    }

    @Test
    void camvidMatchesTheDatasetReadme() {
        ClassTable t = ClassTable.camvid();
        assertEquals(11, t.numClasses());
        assertEquals(11, t.ignoreLabel());
        assertEquals("Bicyclist", t.classes().get(10).name());
        assertEquals(new Rgb(60, 40, 222), t.classes().get(4).colour());
        assertEquals(4, t.idForColour(new Rgb(60, 40, 222).packed()));
        assertEquals(11, t.idForColour(0));
        assertEquals(-1, t.idForColour(new Rgb(1, 2, 3).packed()));
        assertTrue(t.isValidLabel(11));
        assertFalse(t.isValidLabel(12));
    }

    @Test
    void vocPaletteColours() {
        assertEquals(new Rgb(0, 0, 0), ClassTable.vocColour(0));
        assertEquals(new Rgb(128, 0, 0), ClassTable.vocColour(1));
        assertEquals(new Rgb(0, 128, 0), ClassTable.vocColour(2));
        assertEquals(new Rgb(192, 128, 128), ClassTable.vocColour(15));
        assertEquals(new Rgb(224, 224, 192), ClassTable.vocColour(255));
    }

    @Test
    void jsonMayOmitIdsAndColours() {
        ClassTable t = Json.read("{\"classes\":[{\"name\":\"bg\"},{\"name\":\"fg\",\"colour\":[1,2,3]}],\"ignoreLabel\":255}",
                ClassTable.class);
        assertEquals(new ClassInfo(0, "bg", new Rgb(0, 0, 0)), t.classes().get(0));
        assertEquals(new ClassInfo(1, "fg", new Rgb(1, 2, 3)), t.classes().get(1));
    }

    @Test
    void invalidTablesAreRejectedWithTheFieldAndValue() {
        assertEquals("numClasses must be >= 2, found 1",
                assertThrows(IllegalArgumentException.class, () -> ClassTable.of(null, "only")).getMessage());
        assertEquals("ignoreLabel must be in [3, 255] (not a class id), found 1",
                assertThrows(IllegalArgumentException.class, () -> ClassTable.of(1, "a", "b", "c")).getMessage());
        assertEquals("class ids must be 0..n-1 in order: class at position 1 (b) has id 2",
                assertThrows(IllegalArgumentException.class, () -> new ClassTable(List.of(
                        new ClassInfo(0, "a", new Rgb(0, 0, 0)), new ClassInfo(2, "b", new Rgb(1, 1, 1))), null, null, null))
                        .getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ClassTable(List.of(
                new ClassInfo(0, "a", new Rgb(5, 5, 5)), new ClassInfo(1, "b", new Rgb(5, 5, 5))), null, null, null))
                .getMessage().startsWith("colour (5,5,5) is used by class a and class b"));
        assertEquals("colour channel g must be in [0, 255], found 300",
                assertThrows(IllegalArgumentException.class, () -> new Rgb(1, 300, 2)).getMessage());
    }
}
