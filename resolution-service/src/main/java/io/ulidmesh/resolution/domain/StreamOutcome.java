package io.ulidmesh.resolution.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * What one RegisterStream reports, summed over its chunks (which may finish out of order): the
 * counts of every outcome, and the first {@code maxListed} refused items in stream order. Only
 * those are kept, so a stream of millions of bad items costs neither memory nor a huge reply.
 */
public final class StreamOutcome {
    private final int maxListed;
    private final TreeMap<Long, BatchOutcome.ItemError> listed = new TreeMap<>();
    private long registered;
    private long unchanged;
    private long errors;

    public StreamOutcome(int maxListed) {
        if (maxListed < 1) {
            throw new IllegalArgumentException("maxListed " + maxListed + " must be at least 1");
        }
        this.maxListed = maxListed;
    }

    public synchronized StreamOutcome add(BatchOutcome chunk) {
        registered += chunk.registered();
        unchanged += chunk.unchanged();
        errors += chunk.errors().size();
        for (BatchOutcome.ItemError error : chunk.errors()) {
            listed.put(error.index(), error);
            if (listed.size() > maxListed) {
                listed.pollLastEntry();
            }
        }
        return this;
    }

    public synchronized long registered() {
        return registered;
    }

    public synchronized long unchanged() {
        return unchanged;
    }

    /** Every refused item of the stream, listed or not. */
    public synchronized long errors() {
        return errors;
    }

    /** The first refused items, at most {@code maxListed}, in stream order. */
    public synchronized List<BatchOutcome.ItemError> listed() {
        return new ArrayList<>(listed.values());
    }

    /** Refused items beyond the listed ones. */
    public synchronized long unlisted() {
        return errors - listed.size();
    }
}
