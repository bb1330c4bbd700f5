package io.segpipe.prep.fs;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.util.Optional;

/**
 * What Hadoop's local file system cannot say about a file, asked of {@code java.nio} instead.
 * Hadoop lists a local folder by name and then looks each name up, silently dropping names whose
 * lookup fails: symbolic links that do not resolve, and names the JVM cannot represent (bytes
 * that are not valid UTF-8, or not in its file name encoding), which come back from the listing
 * altered and are then not found. {@code java.nio} directory entries keep the name's bytes, so
 * these can be found and named. Other file systems (HDFS, S3A) have neither problem.
 */
public final class LocalFiles {

    private LocalFiles() {
    }

    /** The {@code java.nio} path of {@code p} when {@code fs} is the local file system. */
    public static Optional<java.nio.file.Path> local(FileSystem fs, Path p) {
        if (!"file".equals(fs.getUri().getScheme())) {
            return Optional.empty();
        }
        return Optional.of(java.nio.file.Path.of(fs.makeQualified(p).toUri()));
    }

    /**
     * Why a symbolic link does not resolve ("dangling symbolic link to x.png", or the system's
     * reason such as a link loop), or empty when {@code p} is not a broken link.
     */
    public static Optional<String> brokenLink(java.nio.file.Path p) {
        if (!Files.isSymbolicLink(p) || Files.exists(p)) {
            return Optional.empty();
        }
        String target;
        try {
            target = Files.readSymbolicLink(p).toString();
        } catch (IOException e) {
            target = "an unreadable target";
        }
        try {
            p.toRealPath();
            return Optional.empty(); // resolved in the meantime
        } catch (NoSuchFileException e) {
            return Optional.of("dangling symbolic link to " + target);
        } catch (FileSystemException e) {
            return Optional.of("symbolic link to " + target + " does not resolve: " + e.getReason());
        } catch (IOException e) {
            return Optional.of("symbolic link to " + target + " does not resolve: " + e.getMessage());
        }
    }

    /**
     * Why the JVM cannot use the name of directory entry {@code entry} ("not valid UTF-8", or not
     * representable in its file name encoding), or empty when the name round-trips through a String.
     */
    public static Optional<String> unusableName(java.nio.file.Path entry) {
        if (roundTrips(entry)) {
            return Optional.empty();
        }
        if (!isUtf8(nameBytes(entry))) {
            return Optional.of("file name is not valid UTF-8; rename it");
        }
        return Optional.of("file name cannot be represented in this JVM's file name encoding "
                + System.getProperty("sun.jnu.encoding") + "; run with a UTF-8 locale (e.g. LANG=C.UTF-8)");
    }

    /**
     * The name of {@code entry} as it appears in a URI: its bytes, with every byte outside the
     * URI alphabet percent-encoded ({@code bad%FF.png}). Exact, and printable whatever the bytes.
     */
    public static String escapedName(java.nio.file.Path entry) {
        String raw = entry.toUri().getRawPath();
        if (raw.endsWith("/")) {
            raw = raw.substring(0, raw.length() - 1); // a directory's URI ends with a slash
        }
        return raw.substring(raw.lastIndexOf('/') + 1);
    }

    private static boolean roundTrips(java.nio.file.Path entry) {
        try {
            return entry.getFileSystem().getPath(entry.toString()).equals(entry);
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private static byte[] nameBytes(java.nio.file.Path entry) {
        String escaped = escapedName(entry);
        ByteBuffer out = ByteBuffer.allocate(escaped.length());
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c == '%' && i + 2 < escaped.length()) {
                out.put((byte) Integer.parseInt(escaped.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.put((byte) c);
            }
        }
        byte[] bytes = new byte[out.position()];
        out.flip().get(bytes);
        return bytes;
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
