package io.ulidmesh.console.web;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.ulidmesh.console.client.MeshClients;
import io.ulidmesh.console.config.ConsoleConfig;
import io.ulidmesh.console.domain.LiveRollout;
import io.ulidmesh.console.domain.Session;
import io.ulidmesh.console.domain.Trouble;
import io.ulidmesh.console.metrics.ConsoleMetrics;
import io.ulidmesh.proto.migration.v1.MigrationProgress;
import io.ulidmesh.proto.migration.v1.WatchMigrationRequest;
import io.ulidmesh.proto.rollout.v1.GetRolloutRequest;
import io.ulidmesh.proto.rollout.v1.PhaseMigration;
import io.ulidmesh.proto.rollout.v1.RolloutEvent;
import io.ulidmesh.proto.rollout.v1.WatchRolloutRequest;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * A rollout's detail, live, as server-sent events: every WatchRollout event and every progress
 * report of its migrations' Watch streams re-renders the live part of the page, which is sent as
 * one {@code live} event of HTML. Signal values are read from the controller's gauges at the
 * configured interval while the page is open (the controller streams no signal values).
 */
@Path("/rollouts/{id}/live")
@Singleton
public class RolloutLive {
    private static final Logger LOG = Logger.getLogger(RolloutLive.class);
    /** Events arriving together (a replay, a phase's several steps) are sent as one render. */
    private static final long COALESCE_MS = 40;

    @Inject
    Web web;
    @Inject
    MeshClients clients;
    @Inject
    LiveLoader loader;
    @Inject
    ConsoleConfig config;
    @Inject
    ConsoleMetrics metrics;

    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "console-live");
        t.setDaemon(true);
        return t;
    });

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void stream(@CookieParam(Web.COOKIE) String cookie, @PathParam("id") String id, @Context SseEventSink sink, @Context Sse sse) {
        Session s = web.sessions().find(cookie).orElse(null);
        if (s == null) {
            sink.send(sse.newEventBuilder().name("refused").data("signed out: reload to sign in again").build());
            sink.close();
            return;
        }
        new Stream(s, id, sink, sse).start();
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }

    /** One open page. */
    private final class Stream {
        private final Session session;
        private final String id;
        private final SseEventSink sink;
        private final Sse sse;
        private final LiveRollout live = new LiveRollout();
        private final io.grpc.Context.CancellableContext calls = io.grpc.Context.current().withCancellation();
        private final Set<String> watchedMigrations = ConcurrentHashMap.newKeySet();
        private final Map<String, Boolean> pending = new ConcurrentHashMap<>();
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private final AtomicBoolean closed = new AtomicBoolean();
        private volatile ScheduledFuture<?> signalTimer;

        Stream(Session session, String id, SseEventSink sink, Sse sse) {
            this.session = session;
            this.id = id;
            this.sink = sink;
            this.sse = sse;
        }

        void start() {
            metrics.streamOpened();
            try {
                live.rollout(clients.controller(session.token()).getRollout(GetRolloutRequest.newBuilder().setId(id).build()));
            } catch (StatusRuntimeException e) {
                send("trouble", Html.trouble(Trouble.of(MeshClients.CONTROLLER, e)));
                close();
                return;
            }
            calls.run(() -> clients.controllerStream(session.token()).watchRollout(
                    WatchRolloutRequest.newBuilder().setId(id).build(), new StreamObserver<>() {
                        @Override
                        public void onNext(RolloutEvent e) {
                            if (live.event(e)) {
                                soon(false);
                            }
                        }

                        @Override
                        public void onError(Throwable t) {
                            if (!closed.get()) {
                                send("trouble", Html.trouble(Trouble.of(MeshClients.CONTROLLER, io.grpc.Status.fromThrowable(t).asRuntimeException())));
                                close();
                            }
                        }

                        @Override
                        public void onCompleted() {
                            close();
                        }
                    }));
            long every = Math.max(500, config.signalInterval().toMillis());
            signalTimer = timer.scheduleWithFixedDelay(() -> soon(true), 0, every, TimeUnit.MILLISECONDS);
        }

        /** Renders shortly, once for everything that arrived meanwhile. */
        private void soon(boolean signals) {
            if (signals) {
                pending.put("signals", true);
            }
            if (scheduled.compareAndSet(false, true) && !closed.get()) {
                timer.schedule(this::render, COALESCE_MS, TimeUnit.MILLISECONDS);
            }
        }

        private synchronized void render() {
            scheduled.set(false);
            if (closed.get()) {
                return;
            }
            boolean signals = pending.remove("signals") != null;
            try {
                live.rollout(clients.controller(session.token()).getRollout(GetRolloutRequest.newBuilder().setId(id).build()));
                loader.refresh(session.token(), live, signals);
                watchMigrations();
                send("live", RolloutRender.live(live));
            } catch (StatusRuntimeException e) {
                send("trouble", Html.trouble(Trouble.of(MeshClients.CONTROLLER, e)));
            } catch (RuntimeException e) {
                LOG.warnf(e, "live view of rollout %s failed", id);
            }
        }

        /** Subscribes to the worker's Watch of each migration the rollout has created. */
        private void watchMigrations() {
            for (var phase : live.rollout().getPhasesList()) {
                for (PhaseMigration m : phase.getMigrationsList()) {
                    String mid = m.getMigrationId();
                    if (!mid.isEmpty() && watchedMigrations.add(mid)) {
                        calls.run(() -> clients.workerStream(session.token()).watch(WatchMigrationRequest.newBuilder().setId(mid).build(),
                                new StreamObserver<>() {
                                    @Override
                                    public void onNext(MigrationProgress p) {
                                        live.migration(p);
                                        soon(false);
                                    }

                                    @Override
                                    public void onError(Throwable t) {
                                        watchedMigrations.remove(mid);
                                    }

                                    @Override
                                    public void onCompleted() {
                                        // the migration reached a final state; its last report stays
                                    }
                                }));
                    }
                }
            }
        }

        private void send(String name, String html) {
            if (sink.isClosed()) {
                close();
                return;
            }
            // One line of data: the renderer writes no line breaks but those inside text, kept as entities.
            String data = html.replace("\r", "&#13;").replace("\n", "&#10;");
            sink.send(sse.newEventBuilder().name(name).data(data).build()).whenComplete((v, t) -> {
                if (t != null) {
                    close();
                }
            });
        }

        private void close() {
            if (closed.compareAndSet(false, true)) {
                metrics.streamClosed();
                calls.cancel(null);
                ScheduledFuture<?> f = signalTimer;
                if (f != null) {
                    f.cancel(false);
                }
                try {
                    sink.close();
                } catch (RuntimeException ignored) {
                    // already closed by the browser
                }
            }
        }
    }
}
