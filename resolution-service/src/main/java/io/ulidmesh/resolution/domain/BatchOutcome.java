package io.ulidmesh.resolution.domain;

import io.ulidmesh.common.error.DomainException;
import java.util.List;

/** The result of registering a batch: counts of new and unchanged items, and each refused item. */
public record BatchOutcome(long registered, long unchanged, List<ItemError> errors) {

    /** A refused item: its index in the stream, the ULID as sent, and why. */
    public record ItemError(long index, String ulid, DomainException error) {
    }
}
