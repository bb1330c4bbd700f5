package io.segpipe.prep.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The classes of a dataset: ids {@code 0..numClasses-1} with names and colours, plus an optional
 * ignore label (pixels that take part in no loss and no metric, e.g. CamVid void = 11, Pascal VOC
 * object borders = 255). Labels are stored as 8-bit PNGs, so ids and the ignore label fit in
 * {@code 0..255}; the ignore label is never a class id.
 *
 * <p>JSON: {@code {"classes":[{"id":0,"name":"Sky","colour":[128,128,128]},...],
 * "ignoreLabel":11,"ignoreName":"void","ignoreColour":[0,0,0]}}; a class without {@code colour}
 * gets the Pascal VOC palette colour of its id.
 */
public final class ClassTable implements Serializable {

    private static final long serialVersionUID = 1L;

    private final List<ClassInfo> classes;
    private final Integer ignoreLabel;
    private final String ignoreName;
    private final Rgb ignoreColour;
    /** packed RGB -> class id (or ignore label); built once, used per pixel for colour-coded labels. */
    private final Map<Integer, Integer> idByColour;

    /**
     * @param classes      classes in id order, ids {@code 0..n-1}, at least 2
     * @param ignoreLabel  label value to ignore, in {@code [numClasses, 255]}, or null for none
     * @param ignoreName   display name of ignored pixels (default "ignore")
     * @param ignoreColour colour of ignored pixels in colour-coded labels (null: no such colour)
     */
    public ClassTable(List<ClassInfo> classes, Integer ignoreLabel, String ignoreName, Rgb ignoreColour) {
        if (classes == null || classes.size() < 2) {
            throw new IllegalArgumentException("numClasses must be >= 2, found " + (classes == null ? 0 : classes.size()));
        }
        if (classes.size() > 256) {
            throw new IllegalArgumentException("numClasses must be <= 256 (labels are 8-bit PNGs), found " + classes.size());
        }
        for (int i = 0; i < classes.size(); i++) {
            if (classes.get(i).id() != i) {
                throw new IllegalArgumentException("class ids must be 0..n-1 in order: class at position " + i
                        + " (" + classes.get(i).name() + ") has id " + classes.get(i).id());
            }
        }
        if (ignoreLabel != null && (ignoreLabel < classes.size() || ignoreLabel > 255)) {
            throw new IllegalArgumentException("ignoreLabel must be in [" + classes.size() + ", 255] (not a class id), found "
                    + ignoreLabel);
        }
        if (ignoreLabel == null && ignoreColour != null) {
            throw new IllegalArgumentException("ignoreColour " + ignoreColour + " is set but ignoreLabel is null");
        }
        this.classes = List.copyOf(classes);
        this.ignoreLabel = ignoreLabel;
        this.ignoreName = ignoreName == null ? "ignore" : ignoreName;
        this.ignoreColour = ignoreColour;
        Map<Integer, Integer> byColour = new HashMap<>();
        for (ClassInfo c : this.classes) {
            Integer previous = byColour.put(c.colour().packed(), c.id());
            if (previous != null) {
                throw new IllegalArgumentException("colour " + c.colour() + " is used by class " + this.classes.get(previous).name()
                        + " and class " + c.name() + "; colours must be unique");
            }
        }
        if (ignoreColour != null && byColour.putIfAbsent(ignoreColour.packed(), ignoreLabel) != null) {
            throw new IllegalArgumentException("ignoreColour " + ignoreColour + " is also the colour of class "
                    + this.classes.get(byColour.get(ignoreColour.packed())).name());
        }
        this.idByColour = Map.copyOf(byColour);
    }

    @JsonCreator
    static ClassTable fromJson(@JsonProperty("classes") List<ClassJson> classes,
                               @JsonProperty("ignoreLabel") Integer ignoreLabel,
                               @JsonProperty("ignoreName") String ignoreName,
                               @JsonProperty("ignoreColour") Rgb ignoreColour) {
        if (classes == null) {
            throw new IllegalArgumentException("classes must be set, found null");
        }
        List<ClassInfo> infos = new ArrayList<>();
        for (int i = 0; i < classes.size(); i++) {
            ClassJson c = classes.get(i);
            int id = c.id() == null ? i : c.id();
            infos.add(new ClassInfo(id, c.name(), c.colour() == null ? vocColour(id) : c.colour()));
        }
        return new ClassTable(infos, ignoreLabel, ignoreName, ignoreColour);
    }

    /** JSON shape of one class, where id and colour may be omitted. */
    record ClassJson(Integer id, String name, Rgb colour) {
    }

    /** Builds a table from names, colours taken from the Pascal VOC palette. */
    public static ClassTable of(Integer ignoreLabel, String... names) {
        List<ClassInfo> infos = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            infos.add(new ClassInfo(i, names[i], vocColour(i)));
        }
        return new ClassTable(infos, ignoreLabel, null, null);
    }

    /** CamVid (SegNet split): 11 classes, void = 11 ignored, with the dataset's display colours. */
    public static ClassTable camvid() {
        String[] names = {"Sky", "Building", "Pole", "Road", "Pavement", "Tree", "SignSymbol", "Fence", "Car",
            "Pedestrian", "Bicyclist"};
        int[][] colours = {{128, 128, 128}, {128, 0, 0}, {192, 192, 128}, {128, 64, 128}, {60, 40, 222},
            {128, 128, 0}, {192, 128, 128}, {64, 64, 128}, {64, 0, 128}, {64, 64, 0}, {0, 128, 192}};
        List<ClassInfo> infos = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            infos.add(new ClassInfo(i, names[i], new Rgb(colours[i][0], colours[i][1], colours[i][2])));
        }
        return new ClassTable(infos, 11, "void", new Rgb(0, 0, 0));
    }

    /** Pascal VOC 2012: background + 20 classes, palette colours, 255 (object borders) ignored. */
    public static ClassTable pascalVoc() {
        ClassTable t = of(255, "background", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat",
                "chair", "cow", "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa",
                "train", "tvmonitor");
        return new ClassTable(t.classes, 255, "border", new Rgb(224, 224, 192));
    }

    /** The Pascal VOC palette colour of an id (the bit-interleaving scheme of the VOC devkit). */
    public static Rgb vocColour(int id) {
        int r = 0;
        int g = 0;
        int b = 0;
        int c = id;
        for (int j = 0; j < 8; j++) {
            r |= ((c >> 0) & 1) << (7 - j);
            g |= ((c >> 1) & 1) << (7 - j);
            b |= ((c >> 2) & 1) << (7 - j);
            c >>= 3;
        }
        return new Rgb(r, g, b);
    }

    @JsonProperty("classes")
    public List<ClassInfo> classes() {
        return classes;
    }

    /** The ignore label, or null when every pixel is labelled. */
    @JsonProperty("ignoreLabel")
    public Integer ignoreLabel() {
        return ignoreLabel;
    }

    @JsonProperty("ignoreName")
    public String ignoreName() {
        return ignoreName;
    }

    @JsonProperty("ignoreColour")
    public Rgb ignoreColour() {
        return ignoreColour;
    }

    @JsonIgnore
    public int numClasses() {
        return classes.size();
    }

    @JsonIgnore
    public OptionalInt ignore() {
        return ignoreLabel == null ? OptionalInt.empty() : OptionalInt.of(ignoreLabel);
    }

    /** True for class ids and the ignore label: the values a stored label PNG may hold. */
    public boolean isValidLabel(int value) {
        return (value >= 0 && value < classes.size()) || (ignoreLabel != null && value == ignoreLabel);
    }

    /** Class id (or ignore label) for a packed {@code 0xRRGGBB} colour, or -1 when the colour is not in the table. */
    public int idForColour(int packedRgb) {
        Integer id = idByColour.get(packedRgb);
        return id == null ? -1 : id;
    }

    /** Short description of the valid values, for error messages. */
    public String describeValues() {
        return "class ids 0.." + (classes.size() - 1) + (ignoreLabel == null ? ", no ignore label" : ", ignore " + ignoreLabel);
    }

    @JsonIgnore
    public String[] names() {
        return classes.stream().map(ClassInfo::name).toArray(String[]::new);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ClassTable other)) {
            return false;
        }
        return classes.equals(other.classes) && java.util.Objects.equals(ignoreLabel, other.ignoreLabel)
                && ignoreName.equals(other.ignoreName) && java.util.Objects.equals(ignoreColour, other.ignoreColour);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(classes, ignoreLabel, ignoreName, ignoreColour);
    }

    @Override
    public String toString() {
        return "ClassTable" + Arrays.toString(names()) + (ignoreLabel == null ? "" : " ignore=" + ignoreLabel);
    }
}
