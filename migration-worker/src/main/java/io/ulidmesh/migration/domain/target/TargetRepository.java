package io.ulidmesh.migration.domain.target;

import java.util.List;
import java.util.Optional;

/** Where registered targets are kept (the worker's own database); passwords only sealed. */
public interface TargetRepository {
    void upsert(TargetDatabase target, byte[] sealedPassword);

    Optional<StoredTarget> find(String name);

    /** Every target by name. */
    List<TargetDatabase> list();
}
