package io.ulidmesh.rollout.domain;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who waits for a rollout's next events. The store rings a rollout's bell after it commits an event
 * in this process, and the listener of the other replicas' notifications rings it for theirs; each
 * ring only says "read again", so a ring too many costs a read and a lost one is caught by the next.
 */
public final class EventWakeups {
    private final Map<String, Set<Runnable>> waiting = new ConcurrentHashMap<>();
    private final Set<Runnable> any = ConcurrentHashMap.newKeySet();

    /** Runs {@code wake} at every ring of any rollout (the notification sender). */
    public void onAny(Runnable wake) {
        any.add(wake);
    }

    /** Runs {@code wake} at every ring of {@code rolloutId} until the returned handle is closed. */
    public AutoCloseable register(String rolloutId, Runnable wake) {
        waiting.computeIfAbsent(rolloutId, k -> ConcurrentHashMap.newKeySet()).add(wake);
        return () -> waiting.computeIfPresent(rolloutId, (k, set) -> {
            set.remove(wake);
            return set.isEmpty() ? null : set;
        });
    }

    /** The rollout has new events. */
    public void ring(String rolloutId) {
        any.forEach(Runnable::run);
        Set<Runnable> wakes = waiting.get(rolloutId);
        if (wakes != null) {
            wakes.forEach(Runnable::run);
        }
    }

    /** Every rollout may have new events: after notifications could have been missed (a reconnect). */
    public void ringAll() {
        waiting.values().forEach(set -> set.forEach(Runnable::run));
    }

    /** How many watchers wait, over all rollouts. */
    public int watchers() {
        return waiting.values().stream().mapToInt(Set::size).sum();
    }
}
