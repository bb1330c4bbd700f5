package io.segpipe.jobs.ui;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.core.storage.StatsStorageEvent;
import org.deeplearning4j.core.storage.StatsStorageListener;
import org.deeplearning4j.core.storage.StatsStorageListener.EventType;
import org.deeplearning4j.core.storage.StorageMetaData;
import org.sqlite.SQLiteConfig;

import io.segpipe.prep.InvalidInputException;

/**
 * A DL4J statistics file as training writes it ({@code statsFile}: DL4J's
 * {@code J7FileStatsStorage}, SQLite), opened read-only for the UI while the training driver may
 * still be writing it.
 *
 * <p>It reads the same tables as DL4J's storage, with two differences that make it safe to point at
 * a file from somewhere else: every report is deserialized through {@link StatsRecords#FILTER} (DL4J
 * uses a plain {@code ObjectInputStream}), and every query binds its values (DL4J pastes session ids,
 * which the UI takes from request paths, into its SQL).
 *
 * <p>DL4J's storage tells its listeners (the UI) about the rows it writes itself, not about rows
 * another process adds; {@link #poll} finds those and tells the listeners the same events, so the
 * UI's pages follow a run that is still training.
 */
final class StatsFile implements StatsStorage, AutoCloseable {
    private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private static final List<String> TABLES = List.of("StorageMetaData", "StaticInfo", "Updates");
    /** How long a read waits while the training driver holds SQLite's write lock. */
    private static final int BUSY_TIMEOUT_MILLIS = 10_000;

    private final Path path;
    private final Connection connection;
    private final List<StatsStorageListener> listeners = new CopyOnWriteArrayList<>();
    /** Newest update time seen per session, type and worker; sessions seen. */
    private final Map<List<String>, Long> newestUpdate = new HashMap<>();
    private final Set<String> sessions = new HashSet<>();

    private StatsFile(Path path, Connection connection) {
        this.path = path;
        this.connection = connection;
    }

    /**
     * Opens an existing statistics file, read-only.
     *
     * @throws InvalidInputException naming the file: it does not exist, is no SQLite file, or lacks
     *     DL4J's tables
     */
    static StatsFile open(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new InvalidInputException("stats file " + path + " does not exist: training writes it when its"
                    + " configuration sets statsFile (a local path on the driver)");
        }
        byte[] header;
        try (InputStream in = Files.newInputStream(path)) {
            header = in.readNBytes(SQLITE_HEADER.length);
        }
        if (!Arrays.equals(header, SQLITE_HEADER)) {
            throw new InvalidInputException("stats file " + path + " is not a DL4J stats file (SQLite, as training's"
                    + " statsFile writes it)");
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(String.valueOf(BUSY_TIMEOUT_MILLIS));
        try {
            StatsFile file = new StatsFile(path, config.createConnection("jdbc:sqlite:" + path.toAbsolutePath()));
            file.requireTables();
            return file;
        } catch (SQLException e) {
            throw new InvalidInputException("stats file " + path + " could not be read: " + e.getMessage(), e);
        }
    }

    private void requireTables() throws SQLException, InvalidInputException {
        List<String> present = strings("SELECT name FROM sqlite_master WHERE type = 'table'");
        for (String table : TABLES) {
            if (!present.contains(table)) {
                connection.close();
                throw new InvalidInputException("stats file " + path + " is not a DL4J stats file: it has no table "
                        + table + " (tables: " + present + ")");
            }
        }
    }

    /** Training sessions in the file (one per training run). */
    int trainingSessions() {
        return listSessionIDs().size();
    }

    /**
     * Tells the registered listeners about every session, static report and update written to the
     * file since the last poll (by any process); the first poll tells them about all rows.
     */
    void poll() {
        List<StatsStorageEvent> events = findNewRows();
        for (StatsStorageListener listener : listeners) {
            events.forEach(listener::notify);
        }
    }

    /** The events of rows written since the last call, and remembers what it saw. */
    private synchronized List<StatsStorageEvent> findNewRows() {
        List<StatsStorageEvent> events = new ArrayList<>();
        // DL4J's TrainModule takes a session's "last update" as the newest time of any of its events:
        // only updates carry the time of their row.
        long noTime = 0;
        for (String session : listSessionIDs()) {
            if (sessions.add(session)) {
                events.add(new StatsStorageEvent(this, EventType.NewSessionID, session, null, null, noTime));
            }
            for (String type : listTypeIDsForSession(session)) {
                for (String worker : listWorkerIDsForSessionAndType(session, type)) {
                    List<String> key = List.of(session, type, worker);
                    if (newestUpdate.putIfAbsent(key, Long.MIN_VALUE) == null) {
                        events.add(new StatsStorageEvent(this, EventType.PostStaticInfo, session, type, worker, noTime));
                    }
                    Long newest = newestTimestamp(session, type, worker);
                    if (newest != null && newest > newestUpdate.get(key)) {
                        newestUpdate.put(key, newest);
                        events.add(new StatsStorageEvent(this, EventType.PostUpdate, session, type, worker, newest));
                    }
                }
            }
        }
        return events;
    }

    private Long newestTimestamp(String session, String type, String worker) {
        List<Long> times = longs("SELECT Timestamp FROM Updates WHERE SessionID = ? AND TypeID = ? AND WorkerID = ?"
                + " ORDER BY Timestamp DESC LIMIT 1", session, type, worker);
        return times.isEmpty() ? null : times.get(0);
    }

    // ---- StatsStorage: reads

    @Override
    public List<String> listSessionIDs() {
        return strings("SELECT SessionID FROM StorageMetaData UNION SELECT SessionID FROM StaticInfo");
    }

    @Override
    public boolean sessionExists(String sessionID) {
        return !strings("SELECT SessionID FROM StorageMetaData WHERE SessionID = ?"
                + " UNION SELECT SessionID FROM StaticInfo WHERE SessionID = ?", sessionID, sessionID).isEmpty();
    }

    @Override
    public Persistable getStaticInfo(String sessionID, String typeID, String workerID) {
        return first(records("SELECT ObjectBytes FROM StaticInfo WHERE SessionID = ? AND TypeID = ? AND WorkerID = ?",
                sessionID, typeID, workerID));
    }

    @Override
    public List<Persistable> getAllStaticInfos(String sessionID, String typeID) {
        return records("SELECT ObjectBytes FROM StaticInfo WHERE SessionID = ? AND TypeID = ?", sessionID, typeID);
    }

    @Override
    public List<String> listTypeIDsForSession(String sessionID) {
        return strings("SELECT TypeID FROM StorageMetaData WHERE SessionID = ? UNION SELECT TypeID FROM StaticInfo"
                + " WHERE SessionID = ? UNION SELECT TypeID FROM Updates WHERE SessionID = ?", sessionID, sessionID, sessionID);
    }

    @Override
    public List<String> listWorkerIDsForSession(String sessionID) {
        return strings("SELECT WorkerID FROM StaticInfo WHERE SessionID = ? UNION SELECT WorkerID FROM Updates"
                + " WHERE SessionID = ?", sessionID, sessionID);
    }

    @Override
    public List<String> listWorkerIDsForSessionAndType(String sessionID, String typeID) {
        return strings("SELECT WorkerID FROM StaticInfo WHERE SessionID = ? AND TypeID = ? UNION SELECT WorkerID"
                + " FROM Updates WHERE SessionID = ? AND TypeID = ?", sessionID, typeID, sessionID, typeID);
    }

    @Override
    public int getNumUpdateRecordsFor(String sessionID) {
        return longs("SELECT COUNT(*) FROM Updates WHERE SessionID = ?", sessionID).get(0).intValue();
    }

    @Override
    public int getNumUpdateRecordsFor(String sessionID, String typeID, String workerID) {
        return longs("SELECT COUNT(*) FROM Updates WHERE SessionID = ? AND TypeID = ? AND WorkerID = ?",
                sessionID, typeID, workerID).get(0).intValue();
    }

    @Override
    public Persistable getLatestUpdate(String sessionID, String typeID, String workerID) {
        return first(records("SELECT ObjectBytes FROM Updates WHERE SessionID = ? AND TypeID = ? AND WorkerID = ?"
                + " ORDER BY Timestamp DESC LIMIT 1", sessionID, typeID, workerID));
    }

    @Override
    public Persistable getUpdate(String sessionID, String typeID, String workerID, long timestamp) {
        return first(records("SELECT ObjectBytes FROM Updates WHERE SessionID = ? AND TypeID = ? AND WorkerID = ?"
                + " AND Timestamp = ?", sessionID, typeID, workerID, timestamp));
    }

    @Override
    public List<Persistable> getLatestUpdateAllWorkers(String sessionID, String typeID) {
        return records("SELECT u.ObjectBytes FROM Updates u JOIN (SELECT WorkerID, MAX(Timestamp) AS Newest FROM Updates"
                + " WHERE SessionID = ? AND TypeID = ? GROUP BY WorkerID) n ON u.WorkerID = n.WorkerID"
                + " AND u.Timestamp = n.Newest WHERE u.SessionID = ? AND u.TypeID = ?", sessionID, typeID, sessionID, typeID);
    }

    @Override
    public List<Persistable> getAllUpdatesAfter(String sessionID, String typeID, String workerID, long timestamp) {
        return records("SELECT ObjectBytes FROM Updates WHERE SessionID = ? AND TypeID = ? AND WorkerID = ?"
                + " AND Timestamp > ? ORDER BY Timestamp", sessionID, typeID, workerID, timestamp);
    }

    @Override
    public List<Persistable> getAllUpdatesAfter(String sessionID, String typeID, long timestamp) {
        return records("SELECT ObjectBytes FROM Updates WHERE SessionID = ? AND TypeID = ? AND Timestamp > ?"
                + " ORDER BY Timestamp", sessionID, typeID, timestamp);
    }

    @Override
    public long[] getAllUpdateTimes(String sessionID, String typeID, String workerID) {
        return longs("SELECT Timestamp FROM Updates WHERE SessionID = ? AND TypeID = ? AND WorkerID = ?"
                + " ORDER BY Timestamp", sessionID, typeID, workerID).stream().mapToLong(Long::longValue).toArray();
    }

    @Override
    public List<Persistable> getUpdates(String sessionID, String typeID, String workerID, long[] timestamps) {
        Set<Long> wanted = new LinkedHashSet<>();
        for (long t : timestamps == null ? new long[0] : timestamps) {
            wanted.add(t);
        }
        List<Persistable> out = new ArrayList<>();
        for (long t : wanted) {
            Persistable update = getUpdate(sessionID, typeID, workerID, t);
            if (update != null) {
                out.add(update);
            }
        }
        return out;
    }

    @Override
    public StorageMetaData getStorageMetaData(String sessionID, String typeID) {
        Persistable meta = first(records("SELECT ObjectBytes FROM StorageMetaData WHERE SessionID = ? AND TypeID = ?"
                + " LIMIT 1", sessionID, typeID));
        if (meta != null && !(meta instanceof StorageMetaData)) {
            throw new IllegalStateException(this + ": storage metadata of session " + sessionID + " is a "
                    + meta.getClass().getName());
        }
        return (StorageMetaData) meta;
    }

    // ---- queries

    private interface Column<T> {
        T read(ResultSet rows) throws SQLException;
    }

    private synchronized <T> List<T> query(Column<T> column, String sql, Object... values) {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            List<T> out = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    out.add(column.read(rows));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(this + ": " + e.getMessage(), e);
        }
    }

    private List<String> strings(String sql, Object... values) {
        return query(rows -> rows.getString(1), sql, values);
    }

    private List<Long> longs(String sql, Object... values) {
        return query(rows -> rows.getLong(1), sql, values);
    }

    private List<Persistable> records(String sql, Object... values) {
        return query(rows -> StatsRecords.read(rows.getBytes(1), this), sql, values);
    }

    private static Persistable first(List<Persistable> records) {
        return records.isEmpty() ? null : records.get(0);
    }

    // ---- StatsStorage: listeners, writes, life cycle

    @Override
    public void registerStatsStorageListener(StatsStorageListener listener) {
        listeners.add(listener);
    }

    @Override
    public void deregisterStatsStorageListener(StatsStorageListener listener) {
        listeners.remove(listener);
    }

    @Override
    public void removeAllListeners() {
        listeners.clear();
    }

    @Override
    public List<StatsStorageListener> getListeners() {
        return List.copyOf(listeners);
    }

    @Override
    public void putStorageMetaData(StorageMetaData storageMetaData) {
        throw readOnly();
    }

    @Override
    public void putStorageMetaData(Collection<? extends StorageMetaData> collection) {
        throw readOnly();
    }

    @Override
    public void putStaticInfo(Persistable staticInfo) {
        throw readOnly();
    }

    @Override
    public void putStaticInfo(Collection<? extends Persistable> collection) {
        throw readOnly();
    }

    @Override
    public void putUpdate(Persistable update) {
        throw readOnly();
    }

    @Override
    public void putUpdate(Collection<? extends Persistable> collection) {
        throw readOnly();
    }

    private UnsupportedOperationException readOnly() {
        return new UnsupportedOperationException(this + " is opened read-only: training writes it");
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new IOException("closing " + this + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized boolean isClosed() {
        try {
            return connection.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    @Override
    public String toString() {
        return "stats file " + path;
    }
}
