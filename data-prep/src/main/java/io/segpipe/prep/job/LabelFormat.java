package io.segpipe.prep.job;

/** How label files encode classes. */
public enum LabelFormat {
    /** 8-bit single-channel values or palette-PNG indices are the class ids (CamVid annot, VOC, ISBI with a value map). */
    IDS,
    /** RGB images whose colours are looked up in the class table (and its ignore colour). */
    COLOURS
}
