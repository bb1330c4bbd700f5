package io.segpipe.prep.layout;

import io.segpipe.prep.Checks;
import io.segpipe.prep.schema.QuarantineEntry;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
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
import java.util.Map;

/**
 * Pascal VOC segmentation layout under {@code root}: {@code JPEGImages/<id>.jpg},
 * {@code SegmentationClass/<id>.png} (palette PNG whose indices are class ids, 255 = border,
 * use {@code labelFormat: IDS} and {@link io.segpipe.prep.schema.ClassTable#pascalVoc()}) and
 * {@code ImageSets/Segmentation/<split>.txt} listing the ids of each split.
 *
 * @param root   the VOC directory (e.g. {@code VOCdevkit/VOC2012})
 * @param splits split files to read (default {@code [train, val]}); an id may appear in one only
 */
public record PascalVoc(String root, List<String> splits) implements InputSpec {

    public PascalVoc {
        Checks.notBlank("input.root", root);
        splits = splits == null ? List.of("train", "val") : List.copyOf(splits);
        if (splits.isEmpty()) {
            throw new IllegalArgumentException("input.splits must name at least one split, found []");
        }
        splits.forEach(s -> Splits.requireName("input.splits", s));
    }

    @Override
    public Listing list(Configuration conf) throws IOException {
        Path rootPath = new Path(root);
        FileSystem fs = rootPath.getFileSystem(conf);
        Path imageDir = new Path(rootPath, "JPEGImages");
        Path labelDir = new Path(rootPath, "SegmentationClass");
        List<SourcePair> pairs = new ArrayList<>();
        List<QuarantineEntry> unpaired = new ArrayList<>();
        Map<String, FileStatus> images = byName(fs, imageDir, "image", unpaired);
        Map<String, FileStatus> labels = byName(fs, labelDir, "label", unpaired);
        Map<String, String> splitOf = new HashMap<>();
        for (String split : splits) {
            Path list = new Path(rootPath, "ImageSets/Segmentation/" + split + ".txt");
            for (String id : readIds(fs, list)) {
                String previous = splitOf.putIfAbsent(id, split);
                if (previous != null) {
                    throw new IllegalArgumentException("VOC id " + id + " is listed in both " + previous + ".txt and "
                            + split + ".txt");
                }
                Path image = new Path(imageDir, id + ".jpg");
                Path label = new Path(labelDir, id + ".png");
                FileStatus imageStatus = images.get(id + ".jpg");
                FileStatus labelStatus = labels.get(id + ".png");
                boolean hasImage = imageStatus != null;
                boolean hasLabel = labelStatus != null;
                if (hasImage && hasLabel) {
                    pairs.add(new SourcePair(id, split, Listings.qualified(fs, image), Listings.qualified(fs, label),
                            imageStatus.getLen(), labelStatus.getLen()));
                } else if (hasImage) {
                    unpaired.add(new QuarantineEntry(Listings.qualified(fs, image),
                            "image without label: " + Listings.qualified(fs, label) + " does not exist (listed in " + split + ".txt)"));
                } else if (hasLabel) {
                    unpaired.add(new QuarantineEntry(Listings.qualified(fs, label),
                            "label without image: " + Listings.qualified(fs, image) + " does not exist (listed in " + split + ".txt)"));
                } else {
                    unpaired.add(new QuarantineEntry(Listings.qualified(fs, image),
                            "listed in " + split + ".txt but neither image nor label exists"));
                }
            }
        }
        return new Listing(pairs, unpaired);
    }

    /** Files of a folder by name; entries the listing cannot use go to {@code unusable} ({@link Listings#files}). */
    private static Map<String, FileStatus> byName(FileSystem fs, Path dir, String role, List<QuarantineEntry> unusable)
            throws IOException {
        Map<String, FileStatus> files = new HashMap<>();
        for (FileStatus s : Listings.files(fs, dir, role, unusable)) {
            files.put(s.getPath().getName(), s);
        }
        return files;
    }

    private static List<String> readIds(FileSystem fs, Path list) throws IOException {
        List<String> ids = new ArrayList<>();
        FSDataInputStream raw;
        try {
            raw = fs.open(list);
        } catch (FileNotFoundException e) {
            throw new FileNotFoundException("VOC split list " + fs.makeQualified(list) + " does not exist");
        }
        try (BufferedReader in = new BufferedReader(new InputStreamReader(raw, StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String id = line.trim();
                if (!id.isEmpty()) {
                    ids.add(id);
                }
            }
        }
        return ids;
    }

    @Override
    public String describe() {
        return "pascal-voc " + root + " " + splits;
    }
}
