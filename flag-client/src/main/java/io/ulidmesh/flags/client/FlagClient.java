package io.ulidmesh.flags.client;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.ulidmesh.proto.flags.v1.FlagEvent;
import io.ulidmesh.proto.flags.v1.FlagEventType;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.WatchRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * In-process flag evaluation for ecosystem services. It keeps a local copy of every flag, fed by
 * flag-service's Watch stream, and evaluates with the shared {@link CohortHash}, so an evaluation
 * is a map lookup and a hash: no network, no allocation. While disconnected it keeps serving the
 * last state it saw and reconnects with backoff from the last revision it received, so it misses
 * no change. A flag it has never seen is disabled. The flags one write changed together (a
 * SetFlags, or the initial snapshot) are applied together: a reader never sees half of them.
 *
 * <pre>
 * try (FlagClient flags = FlagClient.connect("flag-service:8682")) {
 *     if (flags.isEnabled("use_v2_coordinator", coordinatorId)) { ... }
 * }
 * </pre>
 */
public final class FlagClient implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(FlagClient.class.getName());
    private static final long MIN_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 5_000;

    /** What the client knows of one flag; {@code hash} holds its cohort's precomputed hash prefix. */
    public record FlagView(String name, String cohort, int basisPoints, long version, CohortHash.Prefix hash) {
    }

    private final Channel channel;
    private final ManagedChannel ownedChannel;
    /** Replaced whole at the end of each group of events (never changed in place), so reads are consistent. */
    private volatile Map<String, FlagView> flags = Map.of();
    /** Events of the group being received, applied once its last event arrives; only the client's thread uses it. */
    private final List<FlagEvent> pending = new ArrayList<>();
    private final CopyOnWriteArrayList<Consumer<FlagEvent>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ulidmesh-flag-client");
        t.setDaemon(true);
        return t;
    });
    private volatile long revision;
    private volatile boolean connected;
    private volatile boolean closed;
    private volatile ClientCallStreamObserver<WatchRequest> call;
    private long backoffMs = MIN_BACKOFF_MS;

    private FlagClient(Channel channel, ManagedChannel ownedChannel) {
        this.channel = channel;
        this.ownedChannel = ownedChannel;
    }

    /**
     * Connects to flag-service at {@code host:port} over plaintext gRPC, with no token (for a
     * flag-service whose anonymous role is viewer); the client owns the channel.
     */
    public static FlagClient connect(String target) {
        return owning(NettyChannelBuilder.forTarget(target).usePlaintext().build());
    }

    /** Connects with {@code bearerToken} (a JWT with role viewer or above) on every call. */
    public static FlagClient connect(String target, String bearerToken) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + bearerToken);
        return owning(NettyChannelBuilder.forTarget(target).usePlaintext()
                .intercept(MetadataUtils.newAttachHeadersInterceptor(headers)).build());
    }

    private static FlagClient owning(ManagedChannel channel) {
        FlagClient client = new FlagClient(channel, channel);
        client.scheduler.execute(client::watch);
        return client;
    }

    /** Watches through a channel the caller owns (TLS, interceptors, load balancing are the caller's). */
    public static FlagClient connect(Channel channel) {
        FlagClient client = new FlagClient(channel, null);
        client.scheduler.execute(client::watch);
        return client;
    }

    /** Whether {@code flag} is enabled for {@code entityId}; false for a flag never seen. */
    public boolean isEnabled(String flag, String entityId) {
        FlagView view = flags.get(flag);
        return view != null && view.hash().enabled(view.basisPoints(), entityId);
    }

    /** The flag as last seen; null when unknown or deleted. */
    public FlagView flag(String name) {
        return flags.get(name);
    }

    /** Every flag as last seen, at one revision: read several flags from it to see them consistently. */
    public Map<String, FlagView> flags() {
        return flags;
    }

    /** The last revision received; a reconnect resumes after it. */
    public long revision() {
        return revision;
    }

    /** True while the current Watch stream is delivering; false after it broke, until it delivers again. */
    public boolean isConnected() {
        return connected;
    }

    /**
     * Called, on the client's thread, with every event after the local state has taken it in; the
     * events of one write arrive consecutively, after all of them were applied.
     */
    public void addListener(Consumer<FlagEvent> listener) {
        listeners.add(listener);
    }

    @Override
    public void close() {
        closed = true;
        ClientCallStreamObserver<WatchRequest> current = call;
        if (current != null) {
            current.cancel("client closed", null);
        }
        scheduler.shutdownNow();
        if (ownedChannel != null) {
            ownedChannel.shutdownNow();
        }
    }

    private void watch() {
        if (closed) {
            return;
        }
        long after = revision;
        FlagServiceGrpc.newStub(channel).watch(WatchRequest.newBuilder().setAfterRevision(after).build(),
                new ClientResponseObserver<WatchRequest, FlagEvent>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<WatchRequest> stream) {
                        call = stream;
                        pending.clear();
                    }

                    @Override
                    public void onNext(FlagEvent event) {
                        apply(event);
                    }

                    @Override
                    public void onError(Throwable t) {
                        Status status = Status.fromThrowable(t);
                        if (status.getCode() == Status.Code.FAILED_PRECONDITION) {
                            // The server's sequence is behind ours: its database was replaced. Start over.
                            revision = 0;
                        }
                        retry(status.toString());
                    }

                    @Override
                    public void onCompleted() {
                        retry("stream completed");
                    }
                });
    }

    private void apply(FlagEvent event) {
        connected = true;
        synchronized (this) {
            backoffMs = MIN_BACKOFF_MS;
        }
        pending.add(event);
        if (event.getRemainingInGroup() > 0) {
            return;
        }
        Map<String, FlagView> next = new HashMap<>(flags);
        for (FlagEvent e : pending) {
            String name = e.getFlag().getName();
            if (e.getType() == FlagEventType.DELETED) {
                next.remove(name);
            } else {
                String cohort = e.getFlag().getCohort();
                FlagView old = next.get(name);
                CohortHash.Prefix hash = old != null && old.cohort().equals(cohort) ? old.hash() : CohortHash.prefix(cohort);
                next.put(name, new FlagView(name, cohort, e.getFlag().getBasisPoints(), e.getFlag().getVersion(), hash));
            }
        }
        flags = Collections.unmodifiableMap(next);
        revision = Math.max(revision, event.getRevision());
        List<FlagEvent> applied = List.copyOf(pending);
        pending.clear();
        for (FlagEvent e : applied) {
            for (Consumer<FlagEvent> listener : listeners) {
                try {
                    listener.accept(e);
                } catch (RuntimeException ex) {
                    LOG.log(Level.WARNING, "flag listener failed", ex);
                }
            }
        }
    }

    private void retry(String why) {
        connected = false;
        if (closed) {
            return;
        }
        long delay;
        synchronized (this) {
            delay = backoffMs;
            backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        }
        LOG.info(() -> "flag watch ended (" + why + "); serving revision " + revision + ", reconnecting in " + delay + " ms");
        try {
            scheduler.schedule(this::watch, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed meanwhile
        }
    }
}
