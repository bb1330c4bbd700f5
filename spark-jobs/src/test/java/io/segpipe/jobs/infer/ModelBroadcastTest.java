package io.segpipe.jobs.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

import io.segpipe.jobs.eval.EvalFixtures;
import io.segpipe.model.arch.Architectures;
import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.predict.Segmenter;
import io.segpipe.model.spec.SegmentationSpec;
import io.segpipe.prep.testkit.LocalSpark;

/** In local mode the driver is the executor: the pool is this JVM's. */
class ModelBroadcastTest {

    private static ModelBroadcast broadcast() {
        Nd4jBackend.init();
        SegmentationSpec spec = EvalFixtures.tinySpec(3, 3);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(LocalSpark.session().sparkContext());
        return ModelBroadcast.of(sc, LoadedModel.of(Architectures.create(spec), spec, "tiny"));
    }

    @Test
    void aReturnedSegmenterIsReusedAndConcurrentLeasesGetTheirOwn() {
        ModelBroadcast model = broadcast();
        Segmenter first;
        try (ModelBroadcast.Lease a = model.lease(1)) {
            first = a.segmenter();
            try (ModelBroadcast.Lease b = model.lease(1)) {
                assertNotSame(first, b.segmenter(), "tasks side by side never share a network");
            }
        }
        assertEquals(2, model.idle());
        try (ModelBroadcast.Lease c = model.lease(1)) {
            assertEquals(1, model.idle(), "a lease takes an idle segmenter instead of restoring the model");
        }
        model.destroy();
    }

    @Test
    void destroyDropsThisJvmsPooledNetworks() {
        ModelBroadcast model = broadcast();
        ModelBroadcast.Lease lease = model.lease(1);
        Segmenter s = lease.segmenter();
        lease.close();
        assertThrows(IllegalStateException.class, lease::segmenter);
        try (ModelBroadcast.Lease again = model.lease(1)) {
            assertSame(s, again.segmenter());
        }
        model.destroy();
        assertEquals(0, model.idle());
    }

    @Test
    void restoreGivesATaskItsOwnSegmenterOutsideThePool() {
        ModelBroadcast model = broadcast();
        Segmenter a = model.restore(1);
        Segmenter b = model.restore(1);
        assertNotSame(a, b);
        assertEquals(0, model.idle(), "restored segmenters never enter the pool");
        model.destroy();
    }
}
