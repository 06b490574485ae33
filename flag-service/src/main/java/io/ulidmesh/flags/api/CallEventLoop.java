package io.ulidmesh.flags.api;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.Executor;

/**
 * The event loop of the gRPC call being handled, as an executor: every message of our server streams
 * is sent from it. vert.x gRPC 4.5 deadlocks when a message is sent from another thread while the
 * connection's event loop flushes: its WriteStreamAdapter takes its own lock and then the HTTP/2
 * connection's, while the event loop, writing under the connection's lock, takes the adapter's when
 * the flush makes the channel writable again (issue 16; eclipse-vertx/vertx-grpc#363, fixed after
 * 4.5.32). On the one event loop both locks are the same thread's, so no cycle can form.
 */
final class CallEventLoop {
    private CallEventLoop() {
    }

    /** Call from the gRPC method itself, which vert.x runs on the call's event loop. */
    static Executor current() {
        Context context = Vertx.currentContext();
        if (context == null) {
            throw new IllegalStateException("not on a vert.x context: a gRPC method must capture its call's event loop");
        }
        return task -> context.runOnContext(ignored -> task.run());
    }
}
