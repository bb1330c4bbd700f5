package io.segpipe.jobs.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

import io.segpipe.prep.Json;
import io.segpipe.prep.fs.AtomicFs;

/**
 * Renders result records for people (an aligned "name value" table) and for programs (JSON
 * files). One mechanism for every command: nested records are flattened to dotted names.
 */
public final class Reports {
    private Reports() {
    }

    /** A two-column "name | value" table of one record. */
    public static void printRecord(PrintStream out, Object record) {
        Map<String, Object> fields = flatten(record);
        int width = fields.keySet().stream().mapToInt(String::length).max().orElse(0);
        fields.forEach((name, value) -> out.printf(Locale.ROOT, "  %-" + width + "s  %s%n", name, format(value)));
    }

    /** Writes {@code value} as indented JSON, creating parent folders. */
    public static void writeJson(Path file, Object value) {
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            Json.mapper().writeValue(file.toFile(), value);
        } catch (IOException e) {
            throw new UserException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code value} as indented JSON to {@code location} (a Hadoop path or URI, or a local
     * path, see {@link CliPaths#resolve}), atomically: readers see the whole file or none.
     */
    public static void writeJson(String location, Object value, Configuration hadoop) {
        org.apache.hadoop.fs.Path target = CliPaths.resolve(location);
        FileSystem fs = CliPaths.fileSystem(target, hadoop, "--result");
        try {
            AtomicFs.writeString(fs, target, Json.write(value), true);
        } catch (IOException e) {
            throw new UserException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> flatten(Object record) {
        Map<String, Object> fields = new LinkedHashMap<>();
        flatten("", record, fields);
        return fields;
    }

    private static void flatten(String prefix, Object value, Map<String, Object> into) {
        if (value != null && value.getClass().isRecord()) {
            for (RecordComponent component : value.getClass().getRecordComponents()) {
                try {
                    flatten(prefix + component.getName() + ".", component.getAccessor().invoke(value), into);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot read " + component, e);
                }
            }
        } else {
            into.put(prefix.substring(0, prefix.length() - 1), value);
        }
    }

    private static String format(Object value) {
        if (value instanceof Double d) {
            double abs = Math.abs(d);
            return abs != 0 && (abs < 0.01 || abs >= 1e6) ? String.format(Locale.ROOT, "%.3e", d)
                    : String.format(Locale.ROOT, "%.3f", d);
        }
        if (value instanceof Float f) {
            return format((double) f);
        }
        return String.valueOf(value);
    }
}
