package io.ulidmesh.rollout.domain;

import io.ulidmesh.rollout.domain.port.FlagPort;
import io.ulidmesh.rollout.domain.port.FlagState;
import io.ulidmesh.rollout.domain.port.FlagVersionConflict;
import io.ulidmesh.rollout.domain.port.PeerFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** flag-service in memory, with its compare-and-set rules: versions only grow, also across a delete. */
final class FakeFlags implements FlagPort {
    private final Map<String, FlagState> flags = new HashMap<>();
    private final Map<String, Long> lastVersion = new HashMap<>();
    /** Reasons of the controller's writes, in order. */
    final List<String> reasons = new ArrayList<>();
    /** Runs with the flag's name just before each of the controller's writes: an operator's change between read and write. */
    Consumer<String> beforeWrite = name -> { };
    /** When set, every call fails with it. */
    PeerFailure down;

    /** An operator's write, outside the controller. */
    synchronized FlagState set(String name, int basisPoints) {
        FlagState s = new FlagState(basisPoints, lastVersion.merge(name, 1L, Long::sum));
        flags.put(name, s);
        return s;
    }

    synchronized void delete(String name) {
        flags.remove(name);
    }

    synchronized Optional<FlagState> get(String name) {
        return Optional.ofNullable(flags.get(name));
    }

    /** Names of the controller's GetFlag calls, in order. */
    final List<String> reads = new ArrayList<>();

    @Override
    public Optional<FlagState> getFlag(String name) {
        failIfDown();
        synchronized (this) {
            reads.add(name);
        }
        return get(name);
    }

    /** SetFlags calls, each the names it wrote together ("delete x" for a delete entry). */
    final List<List<String>> batches = new ArrayList<>();

    @Override
    public List<FlagState> setFlags(List<FlagWrite> writes) throws FlagVersionConflict {
        failIfDown();
        writes.forEach(w -> beforeWrite.accept(w.name()));
        synchronized (this) {
            for (FlagWrite w : writes) {
                check(w.name(), w.expectedVersion());
            }
            batches.add(writes.stream().map(w -> (w.delete() ? "delete " : "") + w.name()).toList());
            List<FlagState> result = new ArrayList<>();
            for (FlagWrite w : writes) {
                reasons.add(w.reason());
                result.add(w.delete() ? flags.remove(w.name()) : set(w.name(), w.basisPoints()));
            }
            return result;
        }
    }

    private void check(String name, long expectedVersion) throws FlagVersionConflict {
        FlagState now = flags.get(name);
        if (expectedVersion == 0) {
            // the controller deletes only on a version, so a 0 here is a set
            return;
        }
        if (now == null) {
            throw new FlagVersionConflict("flag '" + name + "' does not exist, but expected_version is " + expectedVersion, null);
        }
        if (now.version() != expectedVersion) {
            throw new FlagVersionConflict("flag '" + name + "' is at version " + now.version() + ", not the expected_version "
                    + expectedVersion, null);
        }
    }

    private void failIfDown() {
        if (down != null) {
            throw down;
        }
    }
}
