package io.ulidmesh.resolution.domain;

import com.github.f4b6a3.ulid.Ulid;

/** A directed link between two registered ULIDs. */
public record Link(Ulid from, Ulid to, String relation) {
}
