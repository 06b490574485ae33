package io.ulidmesh.resolution.domain;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared copy of each value of the cache's low-cardinality fields (system, reference type,
 * who registered), so a million cached references hold a few dozen strings instead of three
 * million. Bounded: past {@code bound} distinct values a value is kept as it is, so a caller
 * inventing systems cannot grow it without end.
 */
final class TextPool {
    private final ConcurrentHashMap<String, String> pool = new ConcurrentHashMap<>();
    private final int bound;

    TextPool(int bound) {
        this.bound = bound;
    }

    String canonical(String text) {
        String shared = pool.get(text);
        if (shared != null) {
            return shared;
        }
        if (pool.size() >= bound) {
            return text;
        }
        shared = pool.putIfAbsent(text, text);
        return shared == null ? text : shared;
    }

    /** The reference with its low-cardinality fields shared; the same object when they already are. */
    RegisteredReference compact(RegisteredReference r) {
        String system = canonical(r.system());
        String type = canonical(r.referenceType());
        String by = canonical(r.registeredBy());
        if (system == r.system() && type == r.referenceType() && by == r.registeredBy()) {
            return r;
        }
        return new RegisteredReference(r.ulid(), system, type, r.reference(), r.metadata(), r.registeredAt(), by);
    }
}
