package io.segpipe.jobs.model;

import org.apache.hadoop.conf.Configuration;

import io.segpipe.model.arch.Architectures;
import io.segpipe.model.backend.Nd4jBackend;
import io.segpipe.model.spec.SegmentationSpec;

/**
 * Replaces the model directory at {@code args[0]} (a local path) with a new one, through
 * {@link HaltingFileSystem}: the JVM dies between the two renames of the replace, and
 * {@link ModelPublishCrashTest} looks at what is left.
 */
public final class ModelPublishCrashChild {

    private ModelPublishCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Nd4jBackend.init();
        Configuration conf = new Configuration();
        HaltingFileSystem.register(conf);
        SegmentationSpec spec = ModelPublishCrashTest.spec().toBuilder().seed(ModelPublishCrashTest.NEW_SEED).build();
        ModelDirectory.write(HaltingFileSystem.SCHEME + "://" + args[0], conf, Architectures.create(spec),
                ModelFixtures.info(spec, ModelFixtures.classes(spec.numClasses())), true);
        System.out.println("REPLACED"); // not reached: the file system halts the JVM first
    }
}
