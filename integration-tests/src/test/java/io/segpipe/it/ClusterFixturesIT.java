package io.segpipe.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.segpipe.it.fixture.ManagedProcess;
import io.segpipe.it.fixture.MiniHdfs;
import io.segpipe.it.fixture.SharedFixtures;
import io.segpipe.it.fixture.SparkStandaloneCluster;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fixtures themselves: what the other ITs rely on is really there. */
@ExtendWith(SharedFixtures.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ClusterFixturesIT {

    @Test
    void masterAndTwoWorkersAreSeparateJvmsOnLoopback() {
        SparkStandaloneCluster cluster = SharedFixtures.cluster();
        assertTrue(cluster.masterUrl().startsWith("spark://127.0.0.1:"), cluster.masterUrl());

        JsonNode state = cluster.masterState();
        assertEquals("ALIVE", state.path("status").asText(), state.toString());
        JsonNode workers = state.path("workers");
        assertEquals(2, workers.size(), workers.toString());
        for (JsonNode w : workers) {
            assertEquals("ALIVE", w.path("state").asText(), w.toString());
            assertEquals("127.0.0.1", w.path("host").asText(), w.toString());
            assertEquals(SharedFixtures.WORKER_CORES, w.path("cores").asInt(), w.toString());
            assertEquals(SharedFixtures.WORKER_MEMORY_MB, w.path("memory").asInt(), w.toString());
        }
        assertNotEquals(workers.get(0).path("port").asInt(), workers.get(1).path("port").asInt());

        Set<Long> pids = new HashSet<>();
        for (SparkStandaloneCluster.Worker w : cluster.workers()) {
            assertTrue(w.process().isAlive(), w.process().toString());
            pids.add(w.process().pid());
        }
        pids.add(ProcessHandle.current().pid());
        assertEquals(3, pids.size(), "each worker is its own JVM, not the test JVM");
    }

    @Test
    void hdfsAnswersOnLoopbackAndKeepsWhatIsWritten() throws Exception {
        MiniHdfs hdfs = SharedFixtures.hdfs();
        assertTrue(hdfs.uri().toString().startsWith("hdfs://127.0.0.1:"), hdfs.uri().toString());
        assertNotEquals(ProcessHandle.current().pid(), hdfs.process().pid());
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), hdfs.uri().getPort()), 5000);
        }
        byte[] payload = new byte[3 << 20]; // three 1 MiB blocks
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31 + 7);
        }
        try (FileSystem fs = hdfs.fileSystem()) {
            Path file = new Path("/tmp/fixture-check/blob.bin");
            try (FSDataOutputStream out = fs.create(file, true, 4096, (short) 1, 1L << 20)) {
                out.write(payload);
            }
            assertEquals(3, fs.getFileBlockLocations(fs.getFileStatus(file), 0, payload.length).length);
            try (FSDataInputStream in = fs.open(file)) {
                assertTrue(java.util.Arrays.equals(payload, in.readAllBytes()), "read back what was written");
            }
            assertTrue(fs.delete(new Path("/tmp/fixture-check"), true));
        }
    }

    @Test
    void closeStopsAProcessAndTheProcessesItStarted() throws Exception {
        java.nio.file.Path dir = io.segpipe.it.fixture.ItEnv.newDir("process-check");
        ManagedProcess p = ManagedProcess.start("sleeper", List.of("bash", "-c", "sleep 600 & sleep 600 & wait"),
                java.util.Map.of(), dir, dir.resolve("sleeper.log"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (p.descendants().size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        List<ProcessHandle> children = p.descendants();
        assertEquals(2, children.size(), "two sleeping children");
        p.close();
        for (ProcessHandle h : children) {
            h.onExit().get(30, TimeUnit.SECONDS);
            assertTrue(!h.isAlive(), "child " + h.pid() + " still alive");
        }
        assertTrue(!p.isAlive());
        assertTrue(new String(java.nio.file.Files.readAllBytes(p.log()), StandardCharsets.UTF_8).startsWith("# sleeper"));
    }
}
