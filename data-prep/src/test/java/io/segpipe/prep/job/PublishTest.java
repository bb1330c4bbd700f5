package io.segpipe.prep.job;

import io.segpipe.prep.layout.PairedFolders;
import io.segpipe.prep.reader.PreppedDataset;
import io.segpipe.prep.schema.DatasetManifest;
import io.segpipe.prep.synth.SyntheticDatasetGenerator;
import io.segpipe.prep.testkit.LocalSpark;
import io.segpipe.prep.testkit.TinyDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An existing dataset is replaced only when asked, and a failed run never damages it. */
@ExtendWith(LocalSpark.class)
class PublishTest {

    @TempDir
    Path tmp;

    private PrepConfig.Builder config(PairedFolders in, Path out) {
        return PrepConfig.builder().input(in).output(out.toString()).classes(SyntheticDatasetGenerator.classTable()).shardCount(2);
    }

    private List<String> hiddenSiblings() throws IOException {
        try (var s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".ds")).toList();
        }
    }

    @Test
    void replaceOnlyWithOverwriteAndFailedRunsKeepThePreviousDataset() throws Exception {
        PairedFolders small = TinyDatasets.synthetic(tmp.resolve("small"), 5, 16, 1);
        PairedFolders larger = TinyDatasets.synthetic(tmp.resolve("larger"), 9, 16, 2);
        Path out = tmp.resolve("ds");
        PrepJob.run(config(small, out).build(), LocalSpark.session());
        String manifest = Files.readString(out.resolve(DatasetManifest.FILE_NAME));

        IOException exists = assertThrows(IOException.class, () -> PrepJob.run(config(larger, out).build(), LocalSpark.session()));
        assertEquals("output file:" + out + " already exists; set overwrite to replace it, or choose another path",
                exists.getMessage());

        // A run that fails (here: every label is bad) after writing shards leaves the old dataset as it was.
        TinyDatasets.write(tmp.resolve("bad/images/x.png"), TinyDatasets.noisyRgbPng(16, 16, 1));
        TinyDatasets.write(tmp.resolve("bad/labels/x.png"), TinyDatasets.constantGreyPng(16, 16, 9));
        assertThrows(IllegalArgumentException.class, () -> PrepJob.run(
                config(PairedFolders.of(tmp.resolve("bad").toString(), "images", "labels"), out).overwrite(true).build(),
                LocalSpark.session()));
        assertEquals(manifest, Files.readString(out.resolve(DatasetManifest.FILE_NAME)));
        assertEquals(5, PreppedDataset.open(LocalSpark.session(), out.toString()).rows().count());
        assertEquals(List.of(), hiddenSiblings());

        PrepResult replaced = PrepJob.run(config(larger, out).overwrite(true).build(), LocalSpark.session());
        assertEquals(9, replaced.samples());
        assertEquals(9, PreppedDataset.open(LocalSpark.session(), out.toString()).rows().count());
        assertTrue(!Files.readString(out.resolve(DatasetManifest.FILE_NAME)).equals(manifest));
        assertEquals(List.of(), hiddenSiblings());
    }
}
