package io.segpipe.prep.layout;

import io.segpipe.prep.schema.QuarantineEntry;

import java.util.List;

/**
 * What a layout found: pairs to process, and files that cannot be paired (image without label,
 * label without image, ambiguous stems), already with their quarantine reason.
 */
public record Listing(List<SourcePair> pairs, List<QuarantineEntry> unpaired) {

    public Listing {
        pairs = List.copyOf(pairs);
        unpaired = List.copyOf(unpaired);
    }

    public int inputs() {
        return pairs.size() + unpaired.size();
    }
}
