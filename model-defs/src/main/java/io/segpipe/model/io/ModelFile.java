package io.segpipe.model.io;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads and writes the model file of a segpipe network: a DL4J {@code ComputationGraph} zip in
 * {@link ModelSerializer}'s format, so that DL4J tools open it, read so that a file someone else
 * wrote cannot run code in the JVM that loads it.
 *
 * <p>Why segpipe does not call {@code ModelSerializer.restoreComputationGraph}: that method reads
 * the zip entry {@code preprocessor.bin} (and, with the updater, the legacy {@code updater.bin})
 * with a plain {@code ObjectInputStream}. Java deserialization of attacker-chosen bytes runs the
 * {@code readObject} code of any class on the class path, so every model on shared storage would
 * be code. This reader restores the graph from the entries that carry no code — the JSON
 * configuration, the parameter array and the updater state array, both in ND4J's binary array
 * format — the way DL4J's own restore assembles them, and reads a Java-serialized entry only
 * through a JEP 290 deserialization filter ({@link #SERIAL_FILTER}) that admits no class: a segpipe
 * model keeps its preprocessing in its own JSON, so such an entry is either foreign or hostile,
 * and the model is refused with one message naming the entry and the class it holds.
 *
 * <p>The JSON configuration names classes too ({@code "@class"}): each one must be in a package of
 * DL4J, ND4J or segpipe's model definitions ({@link #ALLOWED_CLASS_PREFIXES}) before the JSON is
 * handed to DL4J's object mapper.
 *
 * <p>The SHA-256 of the file's bytes ({@link #sha256}) is what model directories and registry
 * versions record, and {@link #requireSha256} is checked before a recorded file is restored, so a
 * model file changed after it was written is refused too.
 */
public final class ModelFile {

    /** Entry names of DL4J's model zip. */
    static final String CONFIGURATION = ModelSerializer.CONFIGURATION_JSON;
    static final String COEFFICIENTS = ModelSerializer.COEFFICIENTS_BIN;
    static final String UPDATER_STATE = ModelSerializer.UPDATER_BIN;
    static final String PREPROCESSOR = ModelSerializer.PREPROCESSOR_BIN;
    static final String NORMALIZER = ModelSerializer.NORMALIZER_BIN;
    /** DL4J's pre-1.0 updater, a Java-serialized object. */
    static final String LEGACY_UPDATER = "updater.bin";

    /** Entries that hold Java-serialized objects: never restored, only read through {@link #SERIAL_FILTER}. */
    static final List<String> SERIALIZED_ENTRIES = List.of(PREPROCESSOR, LEGACY_UPDATER, NORMALIZER);

    /** Packages a class named in the JSON configuration may come from. */
    public static final List<String> ALLOWED_CLASS_PREFIXES = List.of("org.deeplearning4j.", "org.nd4j.",
            "io.segpipe.model.");

    /**
     * The deserialization filter for Java-serialized model entries: a segpipe model needs no class
     * from them, so every class is rejected before it is loaded or instantiated (the filter is
     * consulted with the class descriptor, before {@code readObject} code of that class can run).
     */
    public static final ObjectInputFilter SERIAL_FILTER = info -> info.serialClass() == null
            ? ObjectInputFilter.Status.UNDECIDED : ObjectInputFilter.Status.REJECTED;

    /** Upper bound of one entry's uncompressed size: a zip bomb stops here, not in an OutOfMemoryError. */
    static final long MAX_ENTRY_BYTES = Integer.MAX_VALUE - 64;
    /** Upper bound of the JSON configuration. */
    static final long MAX_CONFIGURATION_BYTES = 64L << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelFile() {
    }

    /**
     * The model file of {@code net}, in DL4J's format.
     *
     * @param withUpdater also store the updater state (needed to continue training exactly)
     */
    public static byte[] write(ComputationGraph net, boolean withUpdater) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ModelSerializer.writeModel(net, out, withUpdater);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise the network", e);
        }
        return out.toByteArray();
    }

    /**
     * Restores the network of a model file.
     *
     * @param zip         the file's bytes
     * @param loadUpdater also restore the updater state, when the file has one
     * @param source      where the bytes came from, for messages (e.g. the file's path)
     * @throws UnsafeModelException when the file holds something that could run code: a
     *                              Java-serialized entry, or a JSON class outside the allowed packages
     * @throws ModelFileException   when the bytes are not a DL4J ComputationGraph model file
     */
    public static ComputationGraph read(byte[] zip, boolean loadUpdater, String source) throws ModelFileException {
        Map<String, byte[]> entries = entries(zip, source);
        for (String name : SERIALIZED_ENTRIES) {
            if (entries.containsKey(name)) {
                refuseSerialized(name, entries.get(name), source);
            }
        }
        byte[] json = entries.get(CONFIGURATION);
        byte[] coefficients = entries.get(COEFFICIENTS);
        if (json == null || coefficients == null) {
            throw new ModelFileException(source + " is not a DL4J model file: it has no "
                    + (json == null ? CONFIGURATION : COEFFICIENTS) + " entry");
        }
        String configurationJson = new String(json, StandardCharsets.UTF_8);
        requireAllowedClasses(configurationJson, source);
        try {
            INDArray params = readArray(coefficients);
            ComputationGraphConfiguration conf = ComputationGraphConfiguration.fromJson(configurationJson);
            if (conf.getNetworkInputs() == null || conf.getVertices() == null || conf.getVertices().isEmpty()) {
                throw new ModelFileException(source + " is not a DL4J computation graph (its " + CONFIGURATION
                        + " has no inputs or vertices)");
            }
            conf.setDataType(params.dataType());
            ComputationGraph net = new ComputationGraph(conf);
            net.init(params, false);
            byte[] updater = entries.get(UPDATER_STATE);
            if (loadUpdater && updater != null) {
                net.getUpdater().setStateViewArray(readArray(updater));
            }
            return net;
        } catch (ModelFileException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ModelFileException(source + " is not a DL4J computation graph model file ("
                    + rootCause(e) + ")", e);
        }
    }

    /**
     * SHA-256 of a model file's bytes, lower-case hex: what a model directory records.
     */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /**
     * Fails unless {@code bytes} hash to {@code expected} (lower- or upper-case hex).
     *
     * @throws UnsafeModelException naming {@code source} and both hashes
     */
    public static void requireSha256(byte[] bytes, String expected, String source) throws UnsafeModelException {
        String actual = sha256(bytes);
        if (!actual.equalsIgnoreCase(expected)) {
            throw new UnsafeModelException(source + " was changed after it was written: its SHA-256 is " + actual
                    + ", the model directory records " + expected + "; refusing to load it");
        }
    }

    private static Map<String, byte[]> entries(byte[] zip, String source) throws ModelFileException {
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                long limit = e.getName().equals(CONFIGURATION) ? MAX_CONFIGURATION_BYTES : MAX_ENTRY_BYTES;
                byte[] content = readBounded(in, limit, source, e.getName());
                if (entries.put(e.getName(), content) != null) {
                    // two entries of one name: which one a reader takes depends on the reader
                    throw new ModelFileException(source + " holds the entry " + e.getName()
                            + " twice; a model file written by DL4J never does");
                }
            }
        } catch (ZipException e) {
            throw new ModelFileException(source + " is not a DL4J model file (not a valid zip: " + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new ModelFileException(source + " cannot be read as a zip: " + e.getMessage(), e);
        }
        if (entries.isEmpty()) {
            throw new ModelFileException(source + " is not a DL4J model file (not a zip, or an empty one)");
        }
        return entries;
    }

    private static byte[] readBounded(InputStream in, long limit, String source, String entry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            total += n;
            if (total > limit) {
                throw new ModelFileException(source + ": entry " + entry + " is larger than " + limit
                        + " bytes uncompressed; refusing to read it");
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /**
     * Reads a Java-serialized entry through {@link #SERIAL_FILTER} and fails with the class it
     * holds: the filter rejects the first class descriptor, before that class's code can run.
     */
    private static void refuseSerialized(String entry, byte[] content, String source) throws UnsafeModelException {
        RejectedClass recorder = new RejectedClass();
        String held;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(content))) {
            in.setObjectInputFilter(recorder);
            in.readObject();
            held = "an object";
        } catch (InvalidClassException e) {
            held = "a rejected class";
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            held = "data that is not a valid serialized object (" + e.getClass().getSimpleName() + ")";
        }
        if (recorder.name != null) {
            held = "an instance of " + recorder.name;
        }
        throw new UnsafeModelException(source + ": entry " + entry + " holds " + held
                + ", a Java-serialized object; segpipe models contain none, and deserializing it could run code, "
                + "so the model is refused without loading it");
    }

    /** {@link #SERIAL_FILTER}, remembering the first class it rejected. */
    private static final class RejectedClass implements ObjectInputFilter {
        String name;

        @Override
        public Status checkInput(FilterInfo info) {
            Status status = SERIAL_FILTER.checkInput(info);
            if (status == Status.REJECTED && name == null) {
                name = info.serialClass().getName();
            }
            return status;
        }
    }

    /** Every {@code "@class"} value of the JSON must name a class of an allowed package. */
    static void requireAllowedClasses(String json, String source) throws ModelFileException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new ModelFileException(source + ": " + CONFIGURATION + " is not valid JSON (" + e.getMessage() + ")", e);
        }
        checkClasses(root, source);
    }

    private static void checkClasses(JsonNode node, String source) throws UnsafeModelException {
        if (node.isObject()) {
            for (Iterator<Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Entry<String, JsonNode> field = it.next();
                if (field.getKey().equals("@class") && field.getValue().isTextual()
                        && !allowedClass(field.getValue().asText())) {
                    throw new UnsafeModelException(source + ": " + CONFIGURATION + " names the class "
                            + field.getValue().asText() + ", which is not a DL4J, ND4J or segpipe model class (allowed "
                            + "packages: " + String.join(", ", ALLOWED_CLASS_PREFIXES) + "); refusing to load it");
                }
                checkClasses(field.getValue(), source);
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                checkClasses(element, source);
            }
        }
    }

    private static boolean allowedClass(String name) {
        for (String prefix : ALLOWED_CLASS_PREFIXES) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static INDArray readArray(byte[] bytes) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            return Nd4j.read(in);
        }
    }

    private static String rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
