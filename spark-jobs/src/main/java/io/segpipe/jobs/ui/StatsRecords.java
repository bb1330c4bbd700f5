package io.segpipe.jobs.ui;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.util.Set;

import org.deeplearning4j.core.storage.Persistable;

/**
 * The reports in a statistics file's rows. DL4J's storage keeps each one as a Java-serialized
 * object, so a file written by someone else could name any class on the class path: {@link #read}
 * admits only the report classes DL4J's {@code StatsListener} writes and the JDK types their fields
 * hold ({@link #FILTER}, a JEP 290 filter consulted before a class is loaded or its
 * {@code readObject} runs).
 */
final class StatsRecords {
    private static final Set<String> ALLOWED = Set.of(
            "org.deeplearning4j.ui.model.stats.impl.SbeStatsReport",
            "org.deeplearning4j.ui.model.stats.impl.SbeStatsReport$GCStats",
            "org.deeplearning4j.ui.model.stats.impl.SbeStatsInitializationReport",
            "org.deeplearning4j.ui.model.storage.impl.SbeStorageMetaData",
            "org.deeplearning4j.ui.model.stats.api.Histogram",
            "org.deeplearning4j.ui.model.stats.api.StatsType",
            "org.deeplearning4j.ui.model.stats.api.SummaryType",
            "java.lang.Object", "java.lang.Enum", "java.lang.Number", "java.lang.Double", "java.lang.Long",
            "java.lang.Integer", "java.lang.String",
            "java.util.ArrayList", "java.util.HashMap", "java.util.LinkedHashMap", "java.util.Map$Entry");
    private static final long MAX_DEPTH = 16;
    private static final long MAX_ARRAY_LENGTH = 1 << 24;

    /** Admits {@link #ALLOWED} classes, arrays of them and of primitives; rejects everything else. */
    static final ObjectInputFilter FILTER = info -> {
        if (info.depth() > MAX_DEPTH || info.arrayLength() > MAX_ARRAY_LENGTH) {
            return ObjectInputFilter.Status.REJECTED;
        }
        Class<?> type = info.serialClass();
        if (type == null) {
            return ObjectInputFilter.Status.UNDECIDED;
        }
        while (type.isArray()) {
            type = type.getComponentType();
        }
        return type.isPrimitive() || ALLOWED.contains(type.getName())
                ? ObjectInputFilter.Status.ALLOWED : ObjectInputFilter.Status.REJECTED;
    };

    private StatsRecords() {
    }

    /**
     * The report serialized in {@code bytes}.
     *
     * @param source names the file in messages
     * @throws IllegalStateException the row holds a class outside the allow-list, or is no report
     */
    static Persistable read(byte[] bytes, Object source) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            in.setObjectInputFilter(FILTER);
            Object record = in.readObject();
            if (!(record instanceof Persistable persistable)) {
                throw new IllegalStateException(source + " holds a " + record.getClass().getName()
                        + " where DL4J writes its reports");
            }
            return persistable;
        } catch (InvalidClassException e) {
            throw new IllegalStateException(source + " holds a class DL4J's StatsListener does not write, refused"
                    + " unread: " + e.getMessage(), e);
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException(source + " holds an unreadable report: " + e, e);
        }
    }
}
