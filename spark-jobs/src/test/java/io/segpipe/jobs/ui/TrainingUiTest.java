package io.segpipe.jobs.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.net.BindException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.stats.api.StatsReport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.segpipe.prep.InvalidInputException;

/** {@code segpipe ui}'s server over real stats files, asked over HTTP as the UI's pages ask it. */
class TrainingUiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** HTTP/1.1 as browsers and curl ask: Java's default (an h2c upgrade) takes another path through Vert.x. */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(java.time.Duration.ofSeconds(5)).build();
    private static final String SESSION = "run-1";

    @TempDir
    Path tmp;

    @Test
    void servesEveryIterationAndTheModelOfARunThatEnded() throws Exception {
        Path file = tmp.resolve("stats.db");
        List<Double> scores;
        try (StatsWriter writer = new StatsWriter(file, SESSION).train(5)) {
            scores = writer.scores;
        }
        try (TrainingUi ui = TrainingUi.start(file, 0)) {
            assertEquals(1, ui.trainingSessions());
            assertEquals(SESSION, get(ui, "/train/sessions/current"));
            JsonNode overview = json(ui, "/train/overview/data");
            assertEquals(List.of(0, 1, 2, 3, 4), ints(overview.get("scoresIter")));
            for (int i = 0; i < scores.size(); i++) {
                assertEquals(scores.get(i), overview.get("scores").get(i).asDouble(), 1e-6, "score of iteration " + i);
            }
            assertEquals(String.valueOf(StatsWriter.PARAMETERS), row(overview.get("model"), "Total Parameters"));
            assertEquals("5", row(overview.get("perf"), "Total Parameter Updates"));
        }
    }

    @Test
    void followsARunThatIsStillWriting() throws Exception {
        Path file = tmp.resolve("stats.db");
        try (StatsWriter writer = new StatsWriter(file, SESSION).train(3); TrainingUi ui = TrainingUi.start(file, 0)) {
            long first = newestUpdate(file);
            // The page re-reads its charts when this time changes: the server learns it from polling the file.
            await(() -> lastUpdate(ui) == first, "lastUpdate reaches the newest row " + first);
            writer.train(4);
            long second = newestUpdate(file);
            assertTrue(second > first);
            await(() -> lastUpdate(ui) == second, "lastUpdate follows the writer to " + second);
            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), ints(json(ui, "/train/overview/data").get("scoresIter")));
        }
    }

    @Test
    void listensOnLoopbackOnly() throws Exception {
        Optional<InetAddress> external = NetworkInterface.networkInterfaces()
                .flatMap(NetworkInterface::inetAddresses)
                .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress())
                .findFirst();
        Assumptions.assumeTrue(external.isPresent(), "this machine has no non-loopback IPv4 address");
        Path file = tmp.resolve("stats.db");
        new StatsWriter(file, SESSION).train(1).close();
        try (TrainingUi ui = TrainingUi.start(file, 0)) {
            assertEquals(SESSION, get(ui, "/train/sessions/current"));
            try (Socket socket = new Socket()) {
                assertThrows(ConnectException.class,
                        () -> socket.connect(new InetSocketAddress(external.get(), ui.port()), 2000),
                        "the UI must not answer on " + external.get());
            }
        }
    }

    @Test
    void aPortInUseIsNamed() throws Exception {
        Path file = tmp.resolve("stats.db");
        new StatsWriter(file, SESSION).train(1).close();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            BindException e = assertThrows(BindException.class, () -> TrainingUi.start(file, taken.getLocalPort()));
            assertTrue(e.getMessage().startsWith("port " + taken.getLocalPort() + " of 127.0.0.1 is in use"),
                    e.getMessage());
        }
    }

    @Test
    void refusesWhatIsNoStatsFile() throws Exception {
        Path missing = tmp.resolve("missing.db");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> TrainingUi.start(missing, 0));
        assertEquals("stats file " + missing + " does not exist: training writes it when its configuration sets "
                + "statsFile (a local path on the driver)", e.getMessage());
        assertFalse(Files.exists(missing), "opening must not create the file");

        Path text = Files.writeString(tmp.resolve("notes.db"), "not a database");
        e = assertThrows(InvalidInputException.class, () -> TrainingUi.start(text, 0));
        assertEquals("stats file " + text + " is not a DL4J stats file (SQLite, as training's statsFile writes it)",
                e.getMessage());

        Path otherDatabase = tmp.resolve("other.db");
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + otherDatabase)) {
            db.createStatement().executeUpdate("CREATE TABLE Orders (id INTEGER)");
        }
        e = assertThrows(InvalidInputException.class, () -> TrainingUi.start(otherDatabase, 0));
        assertEquals("stats file " + otherDatabase + " is not a DL4J stats file: it has no table StorageMetaData "
                + "(tables: [Orders])", e.getMessage());
    }

    @Test
    void aRowHoldingAForeignClassIsRefusedUnread() throws Exception {
        Path file = tmp.resolve("stats.db");
        new StatsWriter(file, SESSION).train(2).close();
        String worker;
        try (StatsFile stats = StatsFile.open(file)) {
            worker = stats.listWorkerIDsForSession(SESSION).get(0);
        }
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
             PreparedStatement insert = db.prepareStatement("INSERT INTO Updates (SessionID, TypeID, WorkerID,"
                     + " Timestamp, ObjectClass, ObjectBytes) VALUES (?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, SESSION);
            insert.setString(2, StatsListener.TYPE_ID);
            insert.setString(3, worker);
            insert.setLong(4, Long.MAX_VALUE);
            insert.setString(5, Tripwire.class.getName());
            insert.setBytes(6, serialized(new Tripwire()));
            insert.executeUpdate();
        }
        try (StatsFile stats = StatsFile.open(file)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> stats.getLatestUpdate(SESSION, StatsListener.TYPE_ID, worker));
            assertTrue(e.getMessage().startsWith("stats file " + file + " holds a class DL4J's StatsListener does not"
                    + " write, refused unread"), e.getMessage());
            assertFalse(Tripwire.read, "the foreign class's readObject must not run");
            long[] times = stats.getAllUpdateTimes(SESSION, StatsListener.TYPE_ID, worker);
            assertEquals(3, times.length, "two reports and the foreign row");
            assertEquals(0, ((StatsReport) stats.getUpdate(SESSION, StatsListener.TYPE_ID, worker, times[0]))
                    .getIterationCount(), "the reports beside it stay readable");
        }
    }

    @Test
    void sessionIdsFromRequestsAreValuesNotSql() throws Exception {
        Path file = tmp.resolve("stats.db");
        new StatsWriter(file, SESSION).train(1).close();
        try (StatsFile stats = StatsFile.open(file)) {
            assertTrue(stats.sessionExists(SESSION));
            assertFalse(stats.sessionExists("x' OR '1'='1"));
            assertEquals(0, stats.getNumUpdateRecordsFor("x' OR '1'='1"));
            assertEquals(1, stats.getNumUpdateRecordsFor(SESSION));
        }
    }

    /** A class whose deserialization leaves a trace. */
    static final class Tripwire implements Serializable {
        private static final long serialVersionUID = 1L;
        static volatile boolean read;

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            read = true;
        }
    }

    private static byte[] serialized(Object object) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        }
        return bytes.toByteArray();
    }

    private static long newestUpdate(Path file) throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            return db.createStatement().executeQuery("SELECT MAX(Timestamp) FROM Updates").getLong(1);
        }
    }

    private static long lastUpdate(TrainingUi ui) {
        try {
            return Long.parseLong(get(ui, "/train/sessions/lastUpdate/" + SESSION).trim());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(Condition condition, String what) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s: " + what);
            }
            Thread.sleep(100);
        }
    }

    private static String get(TrainingUi ui, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + ui.port() + path)).timeout(java.time.Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return response.body();
    }

    private static JsonNode json(TrainingUi ui, String path) throws IOException, InterruptedException {
        return JSON.readTree(get(ui, path));
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        array.forEach(node -> out.add(node.asInt()));
        return out;
    }

    /** The value of the row labelled {@code label} in one of the overview's [[label, value], ...] tables. */
    private static String row(JsonNode table, String label) {
        for (JsonNode row : table) {
            if (row.get(0).asText().equals(label)) {
                return row.get(1).asText();
            }
        }
        throw new AssertionError("no row " + label + " in " + table);
    }
}
