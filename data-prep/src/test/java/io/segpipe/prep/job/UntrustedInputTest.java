package io.segpipe.prep.job;

import io.segpipe.prep.layout.ManifestCsv;
import io.segpipe.prep.layout.PairedFolders;
import io.segpipe.prep.reader.PreppedDataset;
import io.segpipe.prep.schema.ClassTable;
import io.segpipe.prep.schema.QuarantineEntry;
import io.segpipe.prep.schema.ShardSchema;
import io.segpipe.prep.testkit.LocalSpark;
import io.segpipe.prep.testkit.PermissionEnforcingFileSystem;
import io.segpipe.prep.testkit.TinyDatasets;
import io.segpipe.prep.testkit.ZeroPng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inputs that cross the trust boundary badly, each quarantined with its own reason and none
 * dropped: CMYK and YCCK JPEG, an EXIF-rotated JPEG, files above maxFileBytes, a header claiming a
 * huge image, symbolic links that do not resolve, a file name that is not UTF-8, a missing file,
 * a directory where a file should be, and a file that cannot be opened.
 */
@ExtendWith(LocalSpark.class)
class UntrustedInputTest {

    private static final int S = 32;
    private static final ClassTable CLASSES = ClassTable.of(255, "a", "b", "c");
    private static final long MAX_FILE_BYTES = 16 << 10;
    private static final String REST_OF_EXIF_REASON = " is not applied: the label may follow the stored or the displayed"
            + " pixels; store the pixels upright (e.g. exiftran -ai) or remove the tag";

    @TempDir
    Path tmp;

    private static PrepConfig.Builder config(Path out) {
        return PrepConfig.builder().output(out.toString()).classes(CLASSES).shardCount(2).maxBadFraction(1.0)
                .maxFileBytes(MAX_FILE_BYTES);
    }

    @Test
    void pairedFoldersQuarantineEveryUntrustedInputWithItsReason() throws Exception {
        Path root = tmp.resolve("in");
        writeGoodPairs(root, 4);
        byte[] label = TinyDatasets.constantGreyPng(S, S, 1);
        pair(root, "cmyk.jpg", TinyDatasets.fourChannelJpeg(S, S, -1), "cmyk.png", label);
        pair(root, "ycck.jpg", TinyDatasets.fourChannelJpeg(S, S, 2), "ycck.png", label);
        // Stored 32x16, shown 16x32: the label fits the shown image, which must not read as a size mismatch.
        pair(root, "rotated.jpg", TinyDatasets.withExifOrientation(TinyDatasets.jpeg(2 * S, S / 2), 6, true),
                "rotated.png", TinyDatasets.constantGreyPng(S / 2, 2 * S, 1));
        byte[] big = TinyDatasets.noisyRgbPng(4 * S, 4 * S, 7);
        pair(root, "big.png", big, "big.png", label);
        byte[] bigLabel = noisyGreyPng(8 * S, 7);
        pair(root, "biglabel.png", TinyDatasets.noisyRgbPng(S, S, 8), "biglabel.png", bigLabel);
        pair(root, "claims.png", ZeroPng.of(100_000, 100_000, 8, ZeroPng.Colour.RGB, 1), "claims.png", label);
        Files.createSymbolicLink(root.resolve("images/dangling.png"), Path.of("nowhere.png"));
        TinyDatasets.write(root.resolve("labels/dangling.png"), label);
        TinyDatasets.write(root.resolve("images/looped.png"), TinyDatasets.noisyRgbPng(S, S, 9));
        Files.createSymbolicLink(root.resolve("labels/looped.png"), Path.of("looped.png"));
        TinyDatasets.write(root.resolve("images/notutf8.png"), TinyDatasets.noisyRgbPng(S, S, 10));
        renameToBytes(root.resolve("images/notutf8.png"), "bad\\377.png");

        PrepResult r = PrepJob.run(config(tmp.resolve("out")).input(PairedFolders.of(root.toString(), "images", "labels"))
                .build(), LocalSpark.session());

        Map<String, String> expected = new TreeMap<>();
        expected.put(file(root, "images/cmyk.jpg"), "image: CMYK JPEG (4 channels) is not supported (only 8-bit grey, RGB"
                + " or palette): convert it to RGB");
        expected.put(file(root, "images/ycck.jpg"), "image: YCCK JPEG (4 channels) is not supported (only 8-bit grey, RGB"
                + " or palette): convert it to RGB");
        expected.put(file(root, "images/rotated.jpg"), "image: EXIF orientation 6 (viewers show it rotated 90 degrees"
                + " clockwise)" + REST_OF_EXIF_REASON);
        expected.put(file(root, "images/big.png"), "image: file is " + big.length + " bytes, above maxFileBytes 16384");
        expected.put(file(root, "labels/biglabel.png"), "label: file is " + bigLabel.length + " bytes, above maxFileBytes 16384");
        expected.put(file(root, "images/claims.png"), "image: PNG header says 100000x100000 with 3 channels of 8 bits:"
                + " 30000000000 bytes decoded, above maxDecodedBytes 268435456");
        expected.put(file(root, "images/dangling.png"), "image: dangling symbolic link to nowhere.png");
        expected.put(file(root, "labels/dangling.png"), "label without image: no file with stem dangling in "
                + file(root, "images"));
        expected.put(file(root, "labels/looped.png"), "label: symbolic link to looped.png does not resolve: "
                + loopReason(root.resolve("labels/looped.png")));
        expected.put(file(root, "images/looped.png"), "image without label: no file with stem looped in "
                + file(root, "labels"));
        expected.put(file(root, "images/bad%FF.png"), "image: file name is not valid UTF-8; rename it");
        assertEquals(expected, reasons(r.quarantine()));

        assertEquals(4, r.samples());
        assertEquals(4 + 6 + 5, r.inputs(), "6 rejected pairs and 5 unpaired entries are inputs too");
        assertEquals(expected.size(), r.manifest().quarantined());
        assertEquals(List.of("good0", "good1", "good2", "good3"), ids(r));
    }

    @Test
    void manifestCsvFilesAreCheckedOnTheExecutorsWithTheSameReasons() throws Exception {
        Path root = tmp.resolve("csv");
        writeGoodPairs(root, 2);
        byte[] bigLabel = noisyGreyPng(8 * S, 3);
        TinyDatasets.write(root.resolve("labels/big.png"), bigLabel);
        TinyDatasets.write(root.resolve("images/forbig.png"), TinyDatasets.noisyRgbPng(S, S, 5));
        Files.createSymbolicLink(root.resolve("images/dangling.png"), Path.of("nowhere.png"));
        Files.createDirectories(root.resolve("images/folder.png"));
        Files.writeString(root.resolve("pairs.csv"), String.join("\n", "image,label",
                "images/good0.png,labels/good0.png",
                "images/good1.png,labels/good1.png",
                "images/gone.png,labels/good0.png",
                "images/dangling.png,labels/good1.png",
                "images/folder.png,labels/good0.png",
                "images/forbig.png,labels/big.png"), StandardCharsets.UTF_8);

        PrepResult r = PrepJob.run(config(tmp.resolve("out-csv")).input(new ManifestCsv(root.resolve("pairs.csv").toString()))
                .build(), LocalSpark.session());

        assertEquals(Map.of(
                file(root, "images/gone.png"), "image: file not found",
                file(root, "images/dangling.png"), "image: dangling symbolic link to nowhere.png",
                file(root, "images/folder.png"), "image: not a regular file (a directory)",
                file(root, "labels/big.png"), "label: file is " + bigLabel.length + " bytes, above maxFileBytes 16384"),
                reasons(r.quarantine()));
        assertEquals(2, r.samples());
    }

    @Test
    void aFileThatCannotBeOpenedIsQuarantinedNotRetried() throws Exception {
        Path root = tmp.resolve("perm");
        writeGoodPairs(root, 2);
        Path locked = root.resolve("images/locked.png");
        pair(root, "locked.png", TinyDatasets.noisyRgbPng(S, S, 11), "locked.png", TinyDatasets.constantGreyPng(S, S, 1));
        Files.setPosixFilePermissions(locked, Set.of());
        String input = root.toString();
        if (Files.isReadable(locked)) {
            // Root reads any file: the same refusal comes from a file system that enforces the bits.
            System.out.println("Running as root, where mode 000 does not stop reads: reading through "
                    + PermissionEnforcingFileSystem.class.getSimpleName() + ", which refuses as the JDK does for other users");
            PermissionEnforcingFileSystem.register(LocalSpark.session().sparkContext().hadoopConfiguration());
            input = PermissionEnforcingFileSystem.SCHEME + "://" + root;
        }
        try {
            PrepResult r = PrepJob.run(config(tmp.resolve("out-perm")).input(PairedFolders.of(input, "images", "labels"))
                    .build(), LocalSpark.session());
            assertEquals(1, r.quarantine().size(), r.quarantine().toString());
            QuarantineEntry q = r.quarantine().get(0);
            assertTrue(q.path().endsWith(":" + locked), q.path());
            assertEquals("image: cannot be opened: " + locked + " (Permission denied)", q.reason());
            assertEquals(2, r.samples());
        } finally {
            Files.setPosixFilePermissions(locked, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        }
    }

    private static void writeGoodPairs(Path root, int n) {
        for (int i = 0; i < n; i++) {
            byte[] lab = new byte[S * S];
            for (int p = 0; p < lab.length; p++) {
                lab[p] = (byte) ((p + i) % 3);
            }
            pair(root, "good" + i + ".png", TinyDatasets.noisyRgbPng(S, S, i), "good" + i + ".png",
                    TinyDatasets.greyPng(S, S, lab));
        }
    }

    private static void pair(Path root, String image, byte[] imageBytes, String label, byte[] labelBytes) {
        TinyDatasets.write(root.resolve("images").resolve(image), imageBytes);
        TinyDatasets.write(root.resolve("labels").resolve(label), labelBytes);
    }

    /** A grey PNG of noise, {@code size x size}: incompressible, so larger than maxFileBytes. */
    private static byte[] noisyGreyPng(int size, long seed) {
        byte[] v = new byte[size * size];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < v.length; i++) {
            v[i] = (byte) rnd.nextInt(3);
        }
        return TinyDatasets.greyPng(size, size, v);
    }

    /**
     * Renames {@code file} to a name given as printf octal escapes ({@code bad\377.png}): Java cannot
     * create a name that is not valid UTF-8 under a UTF-8 locale, the shell can.
     */
    private static void renameToBytes(Path file, String printfName) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", "mv \"$1\" \"$(printf '" + printfName + "')\"", "sh",
                file.getFileName().toString()).directory(file.getParent().toFile()).inheritIO().start();
        assertEquals(0, p.waitFor(), "renaming " + file + " with sh");
    }

    /** The system's reason a link loop does not resolve, as java.nio reports it here. */
    private static String loopReason(Path link) {
        try {
            link.toRealPath();
            throw new AssertionError(link + " resolves");
        } catch (java.nio.file.FileSystemException e) {
            return e.getReason();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String file(Path root, String relative) {
        return "file:" + root.resolve(relative);
    }

    private static Map<String, String> reasons(List<QuarantineEntry> entries) {
        return entries.stream().collect(Collectors.toMap(QuarantineEntry::path, QuarantineEntry::reason, (a, b) -> a + " | " + b,
                TreeMap::new));
    }

    private static List<String> ids(PrepResult r) throws IOException {
        return PreppedDataset.open(LocalSpark.session(), r.output()).rows().select(ShardSchema.ID).collectAsList().stream()
                .map(row -> row.getString(0)).sorted().toList();
    }
}
