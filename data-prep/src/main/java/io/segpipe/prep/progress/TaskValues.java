package io.segpipe.prep.progress;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The driver's running sum of some accumulators, from the values tasks report: a finished task's
 * final update, and a running task's value so far from its executor's heartbeats (which carry the
 * accumulator values of running tasks), replaced by the final update when the task ends. Spark's
 * own accumulator value only grows when tasks end; this also sees work inside long tasks.
 *
 * <p>Also counts the tasks of the stages that run a counted RDD, once per partition. Thread-safe:
 * the listener bus and the progress timer call it from different threads.
 */
final class TaskValues {
    private final long counterId;
    private final Set<Long> ids;
    private final Set<Integer> countedRdds = new HashSet<>();
    private final Map<Integer, Integer> stageTasks = new HashMap<>();
    private final Set<Long> finishedPartitions = new HashSet<>();
    private final Map<Long, Double> finished = new HashMap<>();
    private final Map<Long, Map<Long, Double>> running = new HashMap<>();
    private int tasksThatCounted;

    /**
     * @param counterId the accumulator that counts the work's units
     * @param otherIds  further accumulators to sum
     */
    TaskValues(long counterId, Collection<Long> otherIds) {
        this.counterId = counterId;
        this.ids = new HashSet<>(otherIds);
        this.ids.add(counterId);
    }

    /** Stages that compute RDD {@code rddId} count their tasks as the work's partitions. */
    synchronized void countStagesOf(int rddId) {
        countedRdds.add(rddId);
    }

    /** A stage with {@code numTasks} tasks that computes {@code rddIds} was submitted. */
    synchronized void stageSubmitted(int stageId, int numTasks, Collection<Integer> rddIds) {
        if (rddIds.stream().anyMatch(countedRdds::contains)) {
            stageTasks.putIfAbsent(stageId, numTasks); // a retried attempt runs only the missing partitions
        }
    }

    /** A heartbeat's values of running task {@code taskId}, by accumulator id (others are ignored). */
    synchronized void running(long taskId, Map<Long, Double> values) {
        Map<Long, Double> tracked = tracked(values);
        if (!tracked.isEmpty()) {
            running.put(taskId, tracked);
        }
    }

    /**
     * Task {@code taskId} of {@code stageId} ended; a successful one adds its final updates.
     *
     * @return true when it finished part of the tracked work: a task of a counted stage, or one that
     *     updated the counter
     */
    synchronized boolean ended(long taskId, int stageId, int partition, boolean successful, Map<Long, Double> updates) {
        running.remove(taskId);
        if (!successful) {
            return false;
        }
        Map<Long, Double> tracked = tracked(updates);
        tracked.forEach((id, v) -> finished.merge(id, v, Double::sum));
        if (stageTasks.containsKey(stageId)) {
            return finishedPartitions.add(((long) stageId << 32) | (partition & 0xffffffffL));
        }
        if (tracked.containsKey(counterId)) {
            tasksThatCounted++;
            return true;
        }
        return false;
    }

    /** The sum of accumulator {@code id} over finished and running tasks. */
    synchronized double value(long id) {
        double sum = finished.getOrDefault(id, 0.0);
        for (Map<Long, Double> task : running.values()) {
            sum += task.getOrDefault(id, 0.0);
        }
        return sum;
    }

    synchronized Map<Long, Double> values() {
        Map<Long, Double> all = new HashMap<>();
        for (long id : ids) {
            all.put(id, value(id));
        }
        return all;
    }

    /** Units counted by finished tasks only. */
    synchronized long finishedDone() {
        return Math.round(finished.getOrDefault(counterId, 0.0));
    }

    /** Units counted so far. */
    synchronized long done() {
        return Math.round(value(counterId));
    }

    /** Finished partitions of the counted stages, else finished tasks that counted. */
    synchronized int tasksDone() {
        return stageTasks.isEmpty() ? tasksThatCounted : finishedPartitions.size();
    }

    /** Tasks of the counted stages submitted so far; 0 when none is known. */
    synchronized int tasks() {
        return stageTasks.values().stream().mapToInt(Integer::intValue).sum();
    }

    private Map<Long, Double> tracked(Map<Long, Double> values) {
        Map<Long, Double> tracked = new HashMap<>();
        values.forEach((id, v) -> {
            if (ids.contains(id)) {
                tracked.put(id, v);
            }
        });
        return tracked;
    }
}
