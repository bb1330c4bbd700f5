package io.segpipe.model.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.segpipe.model.arch.Architectures;
import io.segpipe.model.arch.Synthetic;
import io.segpipe.model.arch.TinySpecs;
import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.spec.Architecture;
import io.segpipe.model.spec.SegmentationSpec;

/**
 * The model file reader restores what DL4J wrote, and refuses every file that could run code when
 * loaded: a Java-serialized entry of any class (one whose {@code readObject} creates a marker file,
 * and a plain JDK {@code HashMap}), a JSON configuration naming a foreign class, and bytes that do
 * not hash to the recorded SHA-256.
 */
class ModelFileTest {

    private static SegmentationSpec spec;
    private static ComputationGraph trained;
    private static byte[] file;

    @BeforeAll
    static void trainTinyNetwork() {
        Nd4jBackend.init();
        Nd4jBackend.setThreads(TinySpecs.THREADS);
        spec = TinySpecs.of(Architecture.SEGNET_BASIC, 3);
        trained = Architectures.create(spec);
        trained.fit(Synthetic.batch(spec, 2, 32, 32, 4)); // batch-norm statistics and updater state that are not initial
        file = ModelFile.write(trained, true);
    }

    @Test
    void restoresParametersUpdaterStateAndOutputsExactly() throws IOException {
        ComputationGraph restored = ModelFile.read(file, true, "model.zip");
        assertEquals(trained.params(), restored.params());
        assertEquals(trained.getUpdater().getStateViewArray(), restored.getUpdater().getStateViewArray());
        var images = Synthetic.images(spec, 2, 32, 32, 9);
        assertEquals(trained.outputSingle(false, images), restored.outputSingle(false, images));
    }

    @Test
    void restoresWithoutUpdaterWhenNotAsked() throws IOException {
        ComputationGraph restored = ModelFile.read(file, false, "model.zip");
        assertEquals(trained.params(), restored.params());
    }

    @Test
    void aSerializedEntryWhoseClassRunsCodeIsRefusedAndNeverRead(@TempDir Path tmp) throws Exception {
        Path marker = tmp.resolve("marker");
        byte[] hostile = withEntry(file, ModelSerializer.PREPROCESSOR_BIN, serialize(new MarkerOnRead(marker.toString())));

        // The hostile file is real: DL4J's own loader runs its code.
        try {
            ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(hostile), false);
        } catch (RuntimeException expected) {
            // it is not a DataSetPreProcessor, so DL4J fails after the code ran
        }
        assertTrue(Files.exists(marker), "DL4J's loader should have run the entry's readObject");
        Files.delete(marker);

        UnsafeModelException e = assertThrows(UnsafeModelException.class,
                () -> ModelFile.read(hostile, true, "hdfs:///models/m/model.zip"));
        assertFalse(Files.exists(marker), "the entry's code ran");
        assertTrue(e.getMessage().contains("hdfs:///models/m/model.zip"), e.getMessage());
        assertTrue(e.getMessage().contains("preprocessor.bin"), e.getMessage());
        assertTrue(e.getMessage().contains(MarkerOnRead.class.getName()), e.getMessage());
    }

    @Test
    void aSerializedJdkClassIsRefusedToo() throws Exception {
        HashMap<String, String> map = new HashMap<>();
        map.put("a", "b");
        byte[] hostile = withEntry(file, ModelSerializer.PREPROCESSOR_BIN, serialize(map));
        UnsafeModelException e = assertThrows(UnsafeModelException.class, () -> ModelFile.read(hostile, false, "m.zip"));
        assertTrue(e.getMessage().contains("java.util.HashMap"), e.getMessage());
    }

    @Test
    void theLegacyUpdaterEntryIsRefusedEvenWithoutTheUpdater() throws Exception {
        byte[] hostile = withEntry(file, "updater.bin", serialize(new HashMap<String, String>()));
        assertThrows(UnsafeModelException.class, () -> ModelFile.read(hostile, false, "m.zip"));
    }

    @Test
    void aJsonClassOutsideTheAllowedPackagesIsRefused() throws Exception {
        Map<String, byte[]> entries = unzip(file);
        String json = new String(entries.get(ModelSerializer.CONFIGURATION_JSON), StandardCharsets.UTF_8);
        String foreign = json.replaceFirst("\"@class\"\\s*:\\s*\"org\\.deeplearning4j\\.[A-Za-z0-9_.$]+\"",
                "\"@class\" : \"com.example.Gadget\"");
        assertTrue(!foreign.equals(json), "the configuration names DL4J classes");
        entries.put(ModelSerializer.CONFIGURATION_JSON, foreign.getBytes(StandardCharsets.UTF_8));
        UnsafeModelException e = assertThrows(UnsafeModelException.class, () -> ModelFile.read(zip(entries), false, "m.zip"));
        assertTrue(e.getMessage().contains("com.example.Gadget"), e.getMessage());
    }

    @Test
    void aDuplicatedEntryIsRefused() throws Exception {
        ModelFileException e = assertThrows(ModelFileException.class,
                () -> ModelFile.read(entriesTwice(file), false, "m.zip"));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
    }

    @Test
    void notAZipAndAZipWithoutTheNetworkAreNamedAsSuch() throws Exception {
        ModelFileException notZip = assertThrows(ModelFileException.class,
                () -> ModelFile.read("hello".getBytes(StandardCharsets.UTF_8), false, "x/model.zip"));
        assertTrue(notZip.getMessage().startsWith("x/model.zip is not a DL4J model file"), notZip.getMessage());
        Map<String, byte[]> entries = unzip(file);
        entries.remove(ModelSerializer.COEFFICIENTS_BIN);
        ModelFileException noParams = assertThrows(ModelFileException.class,
                () -> ModelFile.read(zip(entries), false, "y/model.zip"));
        assertTrue(noParams.getMessage().contains("coefficients.bin"), noParams.getMessage());
    }

    @Test
    void aFileChangedAfterWritingFailsItsHash() throws Exception {
        String recorded = ModelFile.sha256(file);
        ModelFile.requireSha256(file, recorded, "model.zip");
        ModelFile.requireSha256(file, recorded.toUpperCase(java.util.Locale.ROOT), "model.zip");
        byte[] changed = file.clone();
        changed[changed.length / 2] ^= 1;
        UnsafeModelException e = assertThrows(UnsafeModelException.class,
                () -> ModelFile.requireSha256(changed, recorded, "hdfs:///m/model.zip"));
        assertTrue(e.getMessage().contains(recorded) && e.getMessage().contains("hdfs:///m/model.zip"), e.getMessage());
    }

    @Test
    void sha256IsTheStandardDigest() {
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", ModelFile.sha256(new byte[0]));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                ModelFile.sha256("abc".getBytes(StandardCharsets.US_ASCII)));
    }

    /** Creates a file when deserialized: stands for any class whose deserialization runs code. */
    static final class MarkerOnRead implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String path;

        MarkerOnRead(String path) {
            this.path = path;
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            Files.createFile(Path.of(path));
        }
    }

    private static byte[] serialize(Object o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    private static Map<String, byte[]> unzip(byte[] zip) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        return entries;
    }

    private static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    private static byte[] withEntry(byte[] zip, String name, byte[] content) throws IOException {
        Map<String, byte[]> entries = unzip(zip);
        entries.put(name, content);
        return zip(entries);
    }

    /**
     * The local entries of {@code zip} twice, then its central directory: a streaming reader sees
     * every entry twice (the layout a crafted file uses to show two readers different entries).
     */
    private static byte[] entriesTwice(byte[] zip) {
        int eocd = zip.length - 22; // DL4J writes no archive comment
        assertEquals(0x06054b50, littleEndianInt(zip, eocd), "end of central directory record");
        int centralDirectory = littleEndianInt(zip, eocd + 16);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(zip, 0, centralDirectory);
        out.write(zip, 0, zip.length);
        return out.toByteArray();
    }

    private static int littleEndianInt(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }
}
