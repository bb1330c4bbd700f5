package io.segpipe.prep.schema;

import io.segpipe.prep.Checks;

import java.io.Serializable;

/**
 * One class of a {@link ClassTable}.
 *
 * @param id     class id as stored in label PNGs, {@code 0..numClasses-1}
 * @param name   display name
 * @param colour display colour, also the key when labels are colour-coded RGB images
 */
public record ClassInfo(int id, String name, Rgb colour) implements Serializable {

    public ClassInfo {
        Checks.atLeast("class id", id, 0);
        Checks.notBlank("class name", name);
        Checks.notNull("colour of class " + name, colour);
    }
}
