package io.segpipe.prep.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Running tasks count through heartbeats until their final update replaces them; failures count nothing. */
class TaskValuesTest {
    private static final long COUNTER = 7;
    private static final long LOSS = 8;

    @Test
    void heartbeatsShowWorkInsideRunningTasksAndTheFinalUpdateReplacesThem() {
        TaskValues v = new TaskValues(COUNTER, List.of(LOSS));
        v.running(1, Map.of(COUNTER, 3.0, LOSS, 1.5, 99L, 1000.0));
        v.running(2, Map.of(COUNTER, 2.0));
        assertEquals(5, v.done(), "partial counts of both running tasks");
        assertEquals(1.5, v.value(LOSS));
        v.running(1, Map.of(COUNTER, 6.0, LOSS, 3.0)); // a later heartbeat replaces the earlier one
        assertEquals(8, v.done());

        assertTrue(v.ended(1, 0, 0, true, Map.of(COUNTER, 10.0, LOSS, 4.0)), "a task that counted");
        assertEquals(12, v.done(), "10 final + 2 still running");
        assertEquals(4.0, v.value(LOSS));
        assertFalse(v.ended(2, 0, 1, false, Map.of(COUNTER, 2.0)), "a failed task");
        assertEquals(10, v.done(), "a failed task's partial count is dropped");
        assertEquals(1, v.tasksDone());
        assertEquals(0, v.tasks(), "no counted stage: the number of tasks is unknown");
        assertEquals(Map.of(COUNTER, 10.0, LOSS, 4.0), v.values());
    }

    @Test
    void partitionsOfCountedStagesCountOnceEach() {
        TaskValues v = new TaskValues(COUNTER, List.of());
        v.countStagesOf(42);
        v.stageSubmitted(5, 3, List.of(40, 41)); // another stage
        v.stageSubmitted(6, 4, List.of(41, 42));
        assertEquals(4, v.tasks());
        assertTrue(v.ended(100, 6, 0, true, Map.of(COUNTER, 5.0)));
        assertTrue(v.ended(101, 6, 1, true, Map.of()), "an empty partition counts as a finished partition");
        assertFalse(v.ended(102, 6, 1, true, Map.of()), "a speculative copy of a finished partition");
        assertFalse(v.ended(103, 5, 0, true, Map.of()), "a task of a stage that does not compute the counted RDD");
        v.stageSubmitted(6, 2, List.of(41, 42)); // a retried attempt of the same stage
        assertEquals(4, v.tasks());
        assertEquals(2, v.tasksDone());
        assertEquals(5, v.done());
    }
}
