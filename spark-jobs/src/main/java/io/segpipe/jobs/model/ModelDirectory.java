package io.segpipe.jobs.model;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.segpipe.model.arch.Architectures;
import io.segpipe.model.io.ModelFile;
import io.segpipe.model.io.ModelFileException;
import io.segpipe.model.io.UnsafeModelException;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.Json;
import io.segpipe.prep.fs.AtomicFs;
import io.segpipe.prep.fs.CompletionMarker;
import io.segpipe.prep.fs.HadoopFiles;
import io.segpipe.prep.schema.DatasetManifest;

/**
 * The model directory every training run writes and evaluation, scoring and retraining read, on
 * any Hadoop file system:
 *
 * <pre>
 * &lt;dir&gt;/model.zip           DL4J ComputationGraph ({@link ModelFile}: DL4J's format, with updater state)
 *       model.sha256        SHA-256 of model.zip, in sha256sum's format ({@code sha256sum -c model.sha256} checks it)
 *       spec.json           {@link SegmentationSpec} the network was built from
 *       train-config.json   the training configuration, as JSON
 *       data-manifest.json  the prepared dataset's manifest.json, byte for byte (class table, ignore label, weights)
 *       metrics.json        {@link MetricsHistory}, one entry per epoch
 *       metrics.csv         the same as a table
 *       curves.png          loss and val mIoU per epoch ({@link CurvePlot})
 *       inference.json      {@link InferenceDefaults}: normalisation, input scale and inference mode of training
 *       provenance.json     {@link Provenance}: versions, seed, time, hosts, training master, data hash
 *       _segpipe_complete.json  {@link CompletionMarker}, written last
 * </pre>
 *
 * <p>Written atomically: every file goes into a hidden temporary sibling directory, which is then
 * renamed into place ({@link AtomicFs#publishDirectory}); readers see a complete directory or none.
 * Replacing a directory renames the old one aside first: when a writer is killed between the two
 * renames, readers read the old version where it was put aside, with a warning ({@link #locate}),
 * and the next write of the directory moves it back.
 * The completion marker is written last inside it, so it also marks completeness on object stores
 * without atomic rename; readers refuse a directory without it (one of format version 1, written
 * before markers, is complete with its {@code provenance.json}, then written last). Reading
 * validates every file and fails with one message naming the path and the problem.
 *
 * <p>A model directory may have been written by someone else. The network is restored by
 * {@link ModelFile}, which never deserializes a Java object from the file, and only after
 * {@code model.zip} hashes to the SHA-256 that {@code model.sha256} records (directories written
 * before that file existed are read with a warning that their model file cannot be verified).
 *
 * <p>Directories written before {@code inference.json} existed read with no recorded
 * {@link InferenceDefaults}; jobs then apply {@link InferenceDefaults#UNRECORDED} and say so.
 */
public final class ModelDirectory {
    public static final String FORMAT = "segpipe-model";
    /** 2: the directory has a completion marker. 1: written before markers; provenance.json marks it complete. */
    public static final int FORMAT_VERSION = 2;
    /** The first format version whose directories have a completion marker. */
    private static final int MARKED_SINCE = 2;
    /** The kind its {@link CompletionMarker} names. */
    public static final String MARKER_KIND = "model";
    public static final String MODEL = "model.zip";
    /** The SHA-256 of {@link #MODEL}; absent in directories written before it was recorded. */
    public static final String MODEL_SHA256 = "model.sha256";
    public static final String SPEC = "spec.json";
    public static final String TRAIN_CONFIG = "train-config.json";
    public static final String DATA_MANIFEST = "data-manifest.json";
    public static final String METRICS_JSON = "metrics.json";
    public static final String METRICS_CSV = "metrics.csv";
    public static final String CURVES = "curves.png";
    /** The {@link InferenceDefaults}; absent in directories written before they were recorded. */
    public static final String INFERENCE = "inference.json";
    public static final String PROVENANCE = "provenance.json";
    /** Every file a complete model directory holds. */
    public static final List<String> FILES = List.of(MODEL, MODEL_SHA256, SPEC, TRAIN_CONFIG, DATA_MANIFEST,
            METRICS_JSON, METRICS_CSV, CURVES, INFERENCE, PROVENANCE);
    /** Files a directory written by an earlier segpipe may lack. */
    private static final List<String> OPTIONAL = List.of(MODEL_SHA256, INFERENCE);

    private static final Logger LOG = LoggerFactory.getLogger(ModelDirectory.class);

    private ModelDirectory() {
    }

    /**
     * What a model directory holds, apart from the network.
     *
     * @param spec             the spec the network was built from
     * @param trainConfigJson  the training configuration as JSON
     * @param dataManifestJson the dataset's manifest.json content as read (its SHA-256 is in the provenance)
     * @param metrics          per-epoch metrics
     * @param provenance       versions, seed, time, hosts, training master, data hash
     * @param inferenceDefaults how training prepared the input and validation applied the network; null for a
     *                         directory written before they were recorded
     */
    public record Info(SegmentationSpec spec, String trainConfigJson, String dataManifestJson, MetricsHistory metrics,
                       Provenance provenance, InferenceDefaults inferenceDefaults) {
        public Info {
            Objects.requireNonNull(spec, "spec");
            Objects.requireNonNull(trainConfigJson, "trainConfigJson");
            Objects.requireNonNull(dataManifestJson, "dataManifestJson");
            Objects.requireNonNull(metrics, "metrics");
            Objects.requireNonNull(provenance, "provenance");
        }

        /** The metadata of a directory without recorded {@link InferenceDefaults} (as earlier segpipe wrote them). */
        public Info(SegmentationSpec spec, String trainConfigJson, String dataManifestJson, MetricsHistory metrics,
                    Provenance provenance) {
            this(spec, trainConfigJson, dataManifestJson, metrics, provenance, null);
        }

        /** The recorded {@link InferenceDefaults}, or empty for a directory written before they were. */
        public Optional<InferenceDefaults> recordedInference() {
            return Optional.ofNullable(inferenceDefaults);
        }

        /** The dataset manifest (class table, ignore label, class weights). */
        public DatasetManifest dataManifest() {
            return Json.read(dataManifestJson, DatasetManifest.class);
        }

        /** Class names in id order, from the data manifest. */
        public List<String> classNames() {
            return List.of(dataManifest().classTable().names());
        }
    }

    /** A model directory read back: the network (with updater state) and its {@link Info}. */
    public record Loaded(String path, ComputationGraph network, Info info) {
    }

    /**
     * Writes a model directory at {@code dir} atomically.
     *
     * @param overwrite replace an existing directory; without it an existing one is an error
     * @throws IOException naming the path on any failure; {@code dir} is then unchanged
     */
    public static void write(String dir, Configuration conf, ComputationGraph network, Info info, boolean overwrite)
            throws IOException {
        Path target = new Path(dir);
        FileSystem fs = target.getFileSystem(conf);
        target = fs.makeQualified(target);
        AtomicFs.requireWritable(fs, target, overwrite);
        Path staged = AtomicFs.tempSibling(target);
        boolean published = false;
        try {
            fs.mkdirs(staged);
            writeContents(fs, staged, network, info);
            AtomicFs.publishDirectory(fs, staged, target, overwrite);
            published = true;
        } finally {
            if (!published) {
                AtomicFs.deleteAfterFailure(fs, staged);
            }
        }
        LOG.info("Wrote model directory {}", target);
    }

    /** Writes every file of a model directory into the existing directory {@code dir} (provenance, then the marker, last). */
    static void writeContents(FileSystem fs, Path dir, ComputationGraph network, Info info) throws IOException {
        byte[] model = ModelFile.write(network, true);
        try (var out = fs.create(new Path(dir, MODEL), true)) {
            out.write(model);
        }
        writeString(fs, new Path(dir, MODEL_SHA256), ModelFile.sha256(model) + "  " + MODEL + "\n");
        writeString(fs, new Path(dir, SPEC), info.spec().toJson());
        writeString(fs, new Path(dir, TRAIN_CONFIG), info.trainConfigJson());
        writeString(fs, new Path(dir, DATA_MANIFEST), info.dataManifestJson());
        writeString(fs, new Path(dir, METRICS_JSON), info.metrics().toJson());
        List<String> names;
        try {
            names = info.classNames();
        } catch (IllegalArgumentException e) {
            throw new IOException("the data manifest to store is not a segpipe dataset manifest: " + e.getMessage(), e);
        }
        writeString(fs, new Path(dir, METRICS_CSV), info.metrics().toCsv(names));
        byte[] png = CurvePlot.png(info.metrics());
        try (var out = fs.create(new Path(dir, CURVES), true)) {
            out.write(png);
        }
        if (info.inferenceDefaults() != null) {
            writeString(fs, new Path(dir, INFERENCE), info.inferenceDefaults().toJson());
        }
        writeString(fs, new Path(dir, PROVENANCE), Json.write(info.provenance()));
        marker(network, info).write(fs, dir);
    }

    private static CompletionMarker marker(ComputationGraph network, Info info) {
        return CompletionMarker.of(MARKER_KIND, CompletionMarker.newRunId(), Instant.now(),
                Map.of("parameters", network.numParams(), "epochs", (long) info.provenance().training().epochs()),
                Map.of("dataset", String.valueOf(info.provenance().data().dataset())));
    }

    /**
     * A directory of this format has its marker; one of an earlier format version predates markers
     * and is complete with its provenance.json.
     *
     * @throws io.segpipe.prep.InvalidInputException naming the directory and what to do when the marker is missing
     */
    private static void requireMarker(FileSystem fs, Path root) throws IOException {
        if (CompletionMarker.read(fs, root).isPresent()) {
            return;
        }
        Provenance provenance = parse(fs, new Path(root, PROVENANCE), Provenance.class);
        if (provenance.formatVersion() < MARKED_SINCE) {
            LOG.info("Model directory {} (format version {}) was written before model directories had a completion marker:"
                    + " its {}, written last, marks it complete", root, provenance.formatVersion(), PROVENANCE);
            return;
        }
        CompletionMarker.require(fs, root, "segpipe model directory", "train it again, or point at a complete model "
                + "directory");
    }

    private static void writeString(FileSystem fs, Path file, String content) throws IOException {
        try (var out = fs.create(file, true)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Reads the metadata of the model directory at {@code dir} without loading the network.
     *
     * @throws IOException with one message naming the path when it is not a complete, valid model directory
     */
    public static Info readInfo(String dir, Configuration conf) throws IOException {
        Path root = new Path(dir);
        FileSystem fs = root.getFileSystem(conf);
        root = locate(fs, fs.makeQualified(root));
        return readInfo(fs, root);
    }

    /**
     * Where to read the model directory {@code root}: {@code root}, or when it is missing because a
     * writer replacing it was killed between putting the old version aside and moving the new one
     * in, the newest complete old version, read where it lies (logged; nothing is moved, see
     * {@link AtomicFs#interruptedReplaceBackups}). Otherwise {@code root}, for the caller's "no
     * model directory" message.
     */
    public static Path locate(FileSystem fs, Path root) throws IOException {
        for (Path backup : AtomicFs.interruptedReplaceBackups(fs, root)) {
            if (fs.exists(new Path(backup, PROVENANCE))) {
                LOG.warn("Model directory {} is missing: a replace of it was interrupted; reading the previous version"
                        + " left at {} (the next write of {} moves it back)", root, backup, root.getName());
                return backup;
            }
        }
        return root;
    }

    static Info readInfo(FileSystem fs, Path root) throws IOException {
        if (!fs.exists(root)) {
            throw new FileNotFoundException("no model directory at " + root);
        }
        if (!fs.getFileStatus(root).isDirectory()) {
            throw new IOException("not a segpipe model directory: " + root + " is a file"
                    + (root.getName().endsWith(".zip") ? " (pass the directory that holds " + MODEL + ")" : ""));
        }
        if (!fs.exists(new Path(root, PROVENANCE))) {
            throw new IOException("not a complete segpipe model directory: " + root + " has no " + PROVENANCE
                    + " (wrong path, or the training did not finish writing it)");
        }
        requireMarker(fs, root);
        for (String name : FILES) {
            if (!OPTIONAL.contains(name) && !fs.exists(new Path(root, name))) {
                throw new IOException("incomplete segpipe model directory " + root + ": " + name + " is missing");
            }
        }
        Provenance provenance = parse(fs, new Path(root, PROVENANCE), Provenance.class);
        if (!FORMAT.equals(provenance.format())) {
            throw new IOException("not a segpipe model directory: " + new Path(root, PROVENANCE) + " has format "
                    + provenance.format() + ", expected " + FORMAT);
        }
        if (provenance.formatVersion() > FORMAT_VERSION) {
            throw new IOException("model directory " + root + " has format version " + provenance.formatVersion()
                    + " but this build reads up to " + FORMAT_VERSION + "; use a newer segpipe");
        }
        SegmentationSpec spec;
        try {
            spec = SegmentationSpec.fromJson(HadoopFiles.readString(fs, new Path(root, SPEC)));
        } catch (IllegalArgumentException e) {
            throw new IOException(new Path(root, SPEC) + ": " + e.getMessage(), e);
        }
        String manifest = HadoopFiles.readString(fs, new Path(root, DATA_MANIFEST));
        try {
            Json.read(manifest, DatasetManifest.class);
        } catch (IllegalArgumentException e) {
            throw new IOException(new Path(root, DATA_MANIFEST) + ": " + e.getMessage(), e);
        }
        String manifestHash = provenance.data().dataManifestSha256();
        if (manifestHash != null && !manifestHash.equals(DatasetManifest.sha256(manifest))) {
            throw new IOException(new Path(root, DATA_MANIFEST) + " does not match the hash recorded in " + PROVENANCE
                    + " (the directory was modified)");
        }
        MetricsHistory metrics;
        try {
            metrics = MetricsHistory.fromJson(HadoopFiles.readString(fs, new Path(root, METRICS_JSON)));
        } catch (IllegalArgumentException e) {
            throw new IOException(new Path(root, METRICS_JSON) + ": " + e.getMessage(), e);
        }
        return new Info(spec, HadoopFiles.readString(fs, new Path(root, TRAIN_CONFIG)), manifest, metrics, provenance,
                readInferenceDefaults(fs, root, spec));
    }

    /** {@value #INFERENCE}, checked against the spec's channels; null when the directory predates it. */
    private static InferenceDefaults readInferenceDefaults(FileSystem fs, Path root, SegmentationSpec spec)
            throws IOException {
        Path file = new Path(root, INFERENCE);
        if (!fs.exists(file)) {
            return null;
        }
        InferenceDefaults defaults = parse(fs, file, InferenceDefaults.class);
        if (!InferenceDefaults.fits(defaults.normalization(), spec.inputChannels())) {
            throw new IOException(file + " has a normalization with " + defaults.normalization().mean().size()
                    + " mean and " + defaults.normalization().std().size() + " std values for a "
                    + spec.inputChannels() + "-channel model (the directory was modified)");
        }
        return defaults;
    }

    /**
     * Reads the model directory at {@code dir}: metadata and network (with updater state).
     *
     * @throws IOException with one message naming the path: no directory, an incomplete one, a
     *     {@code model.zip} that is not a DL4J model, or a network that does not match {@code spec.json}
     */
    public static Loaded read(String dir, Configuration conf) throws IOException {
        Path root = new Path(dir);
        FileSystem fs = root.getFileSystem(conf);
        root = locate(fs, fs.makeQualified(root));
        Info info = readInfo(fs, root);
        byte[] model = readModelFile(fs, root);
        ComputationGraph net = ModelFile.read(model, true, new Path(root, MODEL).toString());
        requireMatches(net, info.spec(), new Path(root, MODEL));
        return new Loaded(root.toString(), net, info);
    }

    /**
     * The bytes of the directory's {@code model.zip}, checked against the SHA-256 that
     * {@code model.sha256} records.
     *
     * @throws UnsafeModelException when the file does not hash to the recorded value
     * @throws IOException          when the file is missing or {@code model.sha256} is malformed
     */
    public static byte[] readModelFile(FileSystem fs, Path root) throws IOException {
        Path zip = new Path(root, MODEL);
        byte[] bytes;
        try {
            bytes = HadoopFiles.readBytes(fs, zip);
        } catch (FileNotFoundException e) {
            throw new FileNotFoundException("no model file at " + zip);
        }
        Optional<String> recorded = recordedSha256(fs, root);
        if (recorded.isPresent()) {
            ModelFile.requireSha256(bytes, recorded.get(), zip.toString());
        } else {
            LOG.warn("{} has no {} (written by an earlier segpipe): its model file cannot be verified", root,
                    MODEL_SHA256);
        }
        return bytes;
    }

    /** The SHA-256 that {@code model.sha256} records, or empty for a directory written before it existed. */
    public static Optional<String> recordedSha256(FileSystem fs, Path root) throws IOException {
        Path file = new Path(root, MODEL_SHA256);
        String line;
        try {
            line = HadoopFiles.readString(fs, file).trim();
        } catch (FileNotFoundException e) {
            return Optional.empty();
        }
        String hash = line.split("\\s+", 2)[0];
        if (!hash.matches("[0-9a-fA-F]{64}")) {
            throw new IOException(file + " does not hold a SHA-256 (64 hex digits) of " + MODEL + ": \"" + line + "\"");
        }
        return Optional.of(hash.toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * Restores a network written by {@link ModelFile} (a checkpoint's) from any Hadoop path.
     *
     * @throws ModelFileException naming the path when the file is not a ComputationGraph zip;
     *     {@link UnsafeModelException} when it holds something that could run code
     */
    public static ComputationGraph readNetwork(FileSystem fs, Path zip, boolean loadUpdater) throws IOException {
        byte[] bytes;
        try {
            bytes = HadoopFiles.readBytes(fs, zip);
        } catch (FileNotFoundException e) {
            throw new FileNotFoundException("no model file at " + zip);
        }
        return ModelFile.read(bytes, loadUpdater, zip.toString());
    }

    /** Fails when {@code net} was not built from {@code spec}: vertex names and parameter count must agree. */
    static void requireMatches(ComputationGraph net, SegmentationSpec spec, Path zip) throws IOException {
        ComputationGraphConfiguration expected;
        try {
            expected = Architectures.build(spec);
        } catch (RuntimeException e) {
            throw new IOException(SPEC + " beside " + zip + " does not build: " + e.getMessage(), e);
        }
        if (!expected.getVertices().keySet().equals(net.getConfiguration().getVertices().keySet())) {
            throw new IOException("the network in " + zip + " does not match " + SPEC + ": its layers differ from a "
                    + spec.architecture() + " with " + spec.numClasses() + " classes");
        }
        long params = 0;
        for (org.deeplearning4j.nn.conf.graph.GraphVertex v : expected.getVertices().values()) {
            params += v.numParams(true);
        }
        if (params != net.numParams()) {
            throw new IOException("the network in " + zip + " does not match " + SPEC + ": " + net.numParams()
                    + " parameters, the spec's " + spec.architecture() + " has " + params);
        }
    }

    private static <T> T parse(FileSystem fs, Path file, Class<T> type) throws IOException {
        try {
            return Json.read(HadoopFiles.readString(fs, file), type);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}
