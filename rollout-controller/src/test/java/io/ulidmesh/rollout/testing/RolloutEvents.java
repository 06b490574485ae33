package io.ulidmesh.rollout.testing;

import io.grpc.Context;
import io.ulidmesh.proto.rollout.v1.RolloutEvent;
import io.ulidmesh.proto.rollout.v1.RolloutEventType;
import io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc;
import io.ulidmesh.proto.rollout.v1.WatchRolloutRequest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** A rollout's event log read through WatchRollout, for the in-JVM tests and the ITs alike. */
public final class RolloutEvents {
    private RolloutEvents() {
    }

    /** The rollout's events from the start, up to the {@code count}-th event of type {@code last}. */
    public static List<RolloutEvent> upTo(RolloutServiceGrpc.RolloutServiceBlockingStub client, String id, RolloutEventType last,
                                          int count) {
        List<RolloutEvent> events = new ArrayList<>();
        Context.CancellableContext ctx = Context.current().withCancellation();
        try {
            ctx.run(() -> {
                Iterator<RolloutEvent> it = client.watchRollout(WatchRolloutRequest.newBuilder().setId(id).build());
                int seen = 0;
                while (seen < count && it.hasNext()) {
                    RolloutEvent e = it.next();
                    events.add(e);
                    seen += e.getType() == last ? 1 : 0;
                }
            });
        } finally {
            ctx.cancel(null);
        }
        return events;
    }
}
