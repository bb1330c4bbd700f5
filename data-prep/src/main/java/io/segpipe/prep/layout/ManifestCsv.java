package io.segpipe.prep.layout;

import io.segpipe.prep.Checks;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A CSV file listing the pairs. The header names the columns {@code image}, {@code label} and,
 * optionally, {@code split} (in any order); fields may be double-quoted. Relative paths are
 * resolved against the CSV's folder. The id is the image path as written, without extension
 * ({@code images/a/0001.png} has id {@code images/a/0001}); an empty split is assigned by hash.
 * Missing files are found on the executors and quarantined.
 *
 * @param path the CSV file
 */
public record ManifestCsv(String path) implements InputSpec {

    public ManifestCsv {
        Checks.notBlank("input.path", path);
    }

    @Override
    public Listing list(Configuration conf) throws IOException {
        Path csv = new Path(path);
        FileSystem fs = csv.getFileSystem(conf);
        Path base = csv.getParent();
        FSDataInputStream raw;
        try {
            raw = fs.open(csv);
        } catch (FileNotFoundException e) {
            throw new FileNotFoundException("manifest CSV " + fs.makeQualified(csv) + " does not exist");
        }
        List<SourcePair> pairs = new ArrayList<>();
        Map<String, Integer> lineOfId = new HashMap<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(raw, StandardCharsets.UTF_8))) {
            String header = in.readLine();
            if (header == null) {
                throw new IllegalArgumentException("manifest CSV " + csv + " is empty: expected a header image,label[,split]");
            }
            List<String> columns = parseLine(stripBom(header), csv, 1);
            int image = columns.indexOf("image");
            int label = columns.indexOf("label");
            int split = columns.indexOf("split");
            if (image < 0 || label < 0) {
                throw new IllegalArgumentException("manifest CSV " + csv + " header must name columns image and label, found "
                        + columns);
            }
            int lineNo = 1;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                List<String> f = parseLine(line, csv, lineNo);
                if (f.size() != columns.size()) {
                    throw new IllegalArgumentException("manifest CSV " + csv + " line " + lineNo + " has " + f.size()
                            + " fields, the header has " + columns.size());
                }
                String imageRel = f.get(image).trim();
                String labelRel = f.get(label).trim();
                if (imageRel.isEmpty() || labelRel.isEmpty()) {
                    throw new IllegalArgumentException("manifest CSV " + csv + " line " + lineNo + " has an empty image or label path");
                }
                String s = split < 0 || f.get(split).isBlank() ? null : Splits.requireName("split (line " + lineNo + ")",
                        f.get(split).trim());
                String id = idOf(imageRel);
                Integer previous = lineOfId.putIfAbsent(id, lineNo);
                if (previous != null) {
                    throw new IllegalArgumentException("manifest CSV " + csv + " lines " + previous + " and " + lineNo
                            + " have the same id " + id);
                }
                pairs.add(new SourcePair(id, s, Listings.qualified(fs, Listings.resolve(base, imageRel)),
                        Listings.qualified(fs, Listings.resolve(base, labelRel))));
            }
        }
        return new Listing(pairs, List.of());
    }

    private static String idOf(String imagePath) {
        String p = imagePath.startsWith("./") ? imagePath.substring(2) : imagePath;
        int slash = p.lastIndexOf('/');
        int dot = p.lastIndexOf('.');
        return dot > slash + 1 ? p.substring(0, dot) : p;
    }

    private static String stripBom(String s) {
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    /** RFC 4180 fields of one line (no embedded newlines); header names are lower-cased. */
    static List<String> parseLine(String line, Path csv, int lineNo) {
        List<String> fields = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("manifest CSV " + csv + " line " + lineNo + " has an unterminated quote");
        }
        fields.add(cur.toString());
        if (lineNo == 1) {
            fields.replaceAll(s -> s.trim().toLowerCase(Locale.ROOT));
        }
        return fields;
    }

    @Override
    public String describe() {
        return "manifest-csv " + path;
    }
}
