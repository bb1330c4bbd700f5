package io.segpipe.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.segpipe.jobs.retrain.RetrainConfig;
import io.segpipe.jobs.train.TrainConfig;

/** Binding failures become one message naming the key; retired keys also say why they went. */
class ConfigLoaderTest {

    @Test
    void aKeyOfTheRemovedGradientSharingModeIsNamedWithWhatToDo() {
        UserException e = assertThrows(UserException.class,
                () -> ConfigLoader.load(TrainConfig.class, null, List.of("master.unicastPort=40123")));
        assertEquals("--set: key 'master.unicastPort' is no longer read: it set the gradient-sharing mode"
                + " (SHARED_GRADIENTS), which was removed (README, \"Training modes\"); delete the key", e.getMessage());
        for (String key : ConfigLoader.RETIRED_KEYS.keySet()) {
            assertTrue(assertThrows(UserException.class, () -> ConfigLoader.load(TrainConfig.class, null,
                    List.of(key + "=1"))).getMessage().contains("'" + key + "' is no longer read"), key);
        }
    }

    @Test
    void aRetiredKeyNestedInAnotherConfigurationIsRecognised() {
        UserException e = assertThrows(UserException.class,
                () -> ConfigLoader.load(RetrainConfig.class, null, List.of("train.master.networkMask=\"10.0.0.0/16\"")));
        assertTrue(e.getMessage().contains("key 'train.master.networkMask' is no longer read"), e.getMessage());
    }

    @Test
    void anyOtherUnknownKeyListsTheAllowedOnes() {
        UserException e = assertThrows(UserException.class,
                () -> ConfigLoader.load(TrainConfig.class, null, List.of("master.averagingFrequenzy=3")));
        assertTrue(e.getMessage().startsWith("--set: unknown key 'master.averagingFrequenzy' (allowed: aggregationDepth,"
                + " averagingFrequency, batchSizePerWorker, mode, prefetchBatches,"), e.getMessage());
    }
}
