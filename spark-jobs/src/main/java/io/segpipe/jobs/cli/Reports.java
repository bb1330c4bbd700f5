package io.segpipe.jobs.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Renders result records for people (aligned text tables) and for programs (JSON files). One
 * mechanism for every command: nested records are flattened to dotted names.
 */
public final class Reports {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private Reports() {
    }

    /** A two-column "name | value" table of one record. */
    public static void printRecord(PrintStream out, Object record) {
        Map<String, Object> fields = flatten(record);
        int width = fields.keySet().stream().mapToInt(String::length).max().orElse(0);
        fields.forEach((name, value) -> out.printf(Locale.ROOT, "  %-" + width + "s  %s%n", name, format(value)));
    }

    /** A table with one row per record and one column per (flattened) component. */
    public static void printTable(PrintStream out, List<?> records) {
        if (records.isEmpty()) {
            return;
        }
        List<Map<String, Object>> rows = records.stream().map(Reports::flatten).toList();
        List<String> columns = new ArrayList<>(rows.get(0).keySet());
        int[] widths = columns.stream().mapToInt(String::length).toArray();
        List<List<String>> cells = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            List<String> line = new ArrayList<>();
            for (int c = 0; c < columns.size(); c++) {
                String cell = format(row.get(columns.get(c)));
                widths[c] = Math.max(widths[c], cell.length());
                line.add(cell);
            }
            cells.add(line);
        }
        printRow(out, columns, widths);
        List<String> rule = new ArrayList<>();
        for (int width : widths) {
            rule.add("-".repeat(width));
        }
        printRow(out, rule, widths);
        cells.forEach(line -> printRow(out, line, widths));
    }

    /** Writes {@code value} as indented JSON, creating parent folders. */
    public static void writeJson(Path file, Object value) {
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            JSON.writeValue(file.toFile(), value);
        } catch (IOException e) {
            throw new UserException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot render JSON", e);
        }
    }

    static Map<String, Object> flatten(Object record) {
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

    private static void printRow(PrintStream out, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder(" ");
        for (int c = 0; c < cells.size(); c++) {
            line.append(' ').append(String.format(Locale.ROOT, "%-" + widths[c] + "s", cells.get(c)));
        }
        out.println(line.toString().stripTrailing());
    }
}
