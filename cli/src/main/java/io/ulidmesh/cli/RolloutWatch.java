package io.ulidmesh.cli;

import com.google.gson.JsonObject;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.ulidmesh.proto.flags.v1.Flag;
import io.ulidmesh.proto.migration.v1.GetMigrationRequest;
import io.ulidmesh.proto.migration.v1.Migration;
import io.ulidmesh.proto.migration.v1.MigrationProgress;
import io.ulidmesh.proto.migration.v1.WatchMigrationRequest;
import io.ulidmesh.proto.rollout.v1.GetRolloutRequest;
import io.ulidmesh.proto.rollout.v1.Phase;
import io.ulidmesh.proto.rollout.v1.Rollout;
import io.ulidmesh.proto.rollout.v1.RolloutEvent;
import io.ulidmesh.proto.rollout.v1.RolloutEventType;
import io.ulidmesh.proto.rollout.v1.WatchRolloutRequest;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code rollout get ID [--watch]}: fills a {@link RolloutView} from the services and shows it.
 * Watching, the rollout's events come from WatchRollout (a server stream) and each migration's
 * progress from the worker's Watch stream; an event re-reads the rollout (GetRollout) and, for
 * FLAG_SET, the phase's flags. Only the signal values are polled (the controller's gauge), since
 * no stream carries them. It ends when the rollout is COMPLETED, ABORTED or FAILED and every
 * migration rests.
 */
final class RolloutWatch {
    private static final long TICK_MILLIS = 200;
    /** Without --watch, the events replayed by WatchRollout are read until none came for this long. */
    private static final long REPLAY_QUIET_MILLIS = 400;

    private final Mesh mesh;
    private final PrintWriter out;
    private final Screen screen;
    private final boolean json;
    private final RolloutView view = new RolloutView();
    private final SignalGauges gauges;
    private final Set<String> watchedMigrations = ConcurrentHashMap.newKeySet();
    private final Map<String, String> printed = new HashMap<>();
    private final Map<String, Long> printedAt = new ConcurrentHashMap<>();
    private final AtomicBoolean rolloutDirty = new AtomicBoolean();
    private final AtomicBoolean flagsDirty = new AtomicBoolean();
    private final AtomicBoolean migrationsDirty = new AtomicBoolean();
    private final AtomicReference<Throwable> streamError = new AtomicReference<>();
    private final CountDownLatch streamEnded = new CountDownLatch(1);
    private final AtomicReference<ClientCallStreamObserver<WatchRolloutRequest>> call = new AtomicReference<>();

    RolloutWatch(Mesh mesh, PrintWriter out, Screen screen, boolean json) {
        this.mesh = mesh;
        this.out = out;
        this.screen = screen;
        this.json = json;
        this.gauges = new SignalGauges(mesh.settings());
    }

    /** The tree once, with the latest events (read from WatchRollout's replay) and each migration's state. */
    static RolloutView snapshot(Mesh mesh, String id) throws InterruptedException {
        RolloutWatch w = new RolloutWatch(mesh, null, null, false);
        w.view.rollout(w.getRollout(id));
        w.readFlags();
        for (String m : w.view.migrationIds()) {
            w.view.migration(progressOf(mesh.worker().getMigration(GetMigrationRequest.newBuilder().setId(m).build())));
        }
        w.gauges.read().forEach(w.view::signal);
        w.openEvents(id, false);
        long last = System.nanoTime();
        long seen = -1;
        while (!w.streamEnded.await(50, TimeUnit.MILLISECONDS)) {
            if (w.view.lastSequence() != seen) {
                seen = w.view.lastSequence();
                last = System.nanoTime();
            } else if (System.nanoTime() - last > TimeUnit.MILLISECONDS.toNanos(REPLAY_QUIET_MILLIS)) {
                break;
            }
        }
        w.cancel();
        w.rethrow();
        return w.view;
    }

    /** Follows the rollout until it ends; returns the exit code. */
    int follow(String id) throws InterruptedException {
        try {
            Rollout r = getRollout(id);
            view.rollout(r);
            report(r);
            readFlags();
            migrationsDirty.set(true);
            openEvents(id, true);
            long nextSignals = 0;
            while (true) {
                boolean ended = streamEnded.await(TICK_MILLIS, TimeUnit.MILLISECONDS);
                rethrow();
                if (rolloutDirty.getAndSet(false) || ended) {
                    r = getRollout(id);
                    view.rollout(r);
                    report(r);
                }
                if (flagsDirty.getAndSet(false)) {
                    readFlags();
                }
                if (migrationsDirty.getAndSet(false)) {
                    view.migrationIds().forEach(this::watchMigration);
                }
                if (System.nanoTime() >= nextSignals) {
                    gauges.read().forEach((name, value) -> {
                        view.signal(name, value);
                        reportSignal(name, value);
                    });
                    nextSignals = System.nanoTime() + Math.max(1_000_000_000L, view.signalInterval().toNanos());
                }
                screen.frame(view.render(Instant.now()));
                if ((RolloutView.finished(r.getState()) && watchedMigrations.isEmpty()) || (ended && !RolloutView.finished(r.getState()))) {
                    break;
                }
            }
            String end = "rollout " + r.getId() + " is " + r.getState() + (r.getLastReason().isEmpty() ? "" : ": " + r.getLastReason());
            if (json) {
                JsonObject line = Json.object();
                line.add("final", Json.of(r));
                Json.line(out, line);
            } else if (screen.live()) {
                screen.frame(view.render(Instant.now()));
                out.println(end);
                out.flush();
            } else {
                screen.line(end);
            }
            return 0;
        } finally {
            cancel();
            screen.close();
        }
    }

    private Rollout getRollout(String id) {
        return mesh.controller().getRollout(GetRolloutRequest.newBuilder().setId(id).build());
    }

    private void openEvents(String id, boolean live) {
        mesh.controllerStream().watchRollout(WatchRolloutRequest.newBuilder().setId(id).build(),
                new ClientResponseObserver<WatchRolloutRequest, RolloutEvent>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<WatchRolloutRequest> requestStream) {
                        call.set(requestStream);
                    }

                    @Override
                    public void onNext(RolloutEvent e) {
                        if (!view.event(e)) {
                            return;
                        }
                        rolloutDirty.set(true);
                        if (e.getType() == RolloutEventType.EVENT_FLAG_SET) {
                            flagsDirty.set(true);
                        }
                        if (e.getType() == RolloutEventType.EVENT_MIGRATION_STEP) {
                            migrationsDirty.set(true);
                        }
                        if (live && json) {
                            JsonObject line = Json.object();
                            line.add("event", Json.of(e));
                            Json.line(out, line);
                        } else if (live) {
                            screen.line(RolloutView.eventLine(e));
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        if (!(t instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.CANCELLED)) {
                            streamError.set(t);
                        }
                        streamEnded.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        streamEnded.countDown();
                    }
                });
    }

    private void cancel() {
        ClientCallStreamObserver<WatchRolloutRequest> c = call.get();
        if (c != null) {
            c.cancel("the watch ended", null);
        }
    }

    private void rethrow() {
        Throwable t = streamError.get();
        if (t instanceof StatusRuntimeException s) {
            throw s;
        }
        if (t != null) {
            throw Status.fromThrowable(t).asRuntimeException();
        }
    }

    private void readFlags() {
        for (String name : view.flagNames()) {
            Optional<Flag> now = RolloutCommands.readFlag(mesh, name);
            view.flag(name, now);
            if (out != null) {
                String text = now.map(f -> Text.flagValue(f.getBasisPoints()) + " (v" + f.getVersion() + ")").orElse("absent");
                if (json && now.isPresent() && !Objects.equals(printed.put("flag:" + name, text), text)) {
                    JsonObject line = Json.object();
                    line.add("flag", Json.of(now.get()));
                    Json.line(out, line);
                } else if (!json) {
                    emit("flag:" + name, "flag " + name + " now " + text);
                }
            }
        }
    }

    /** Follows one migration's Watch stream on its own thread, unless one already does. */
    private void watchMigration(String id) {
        if (!watchedMigrations.add(id)) {
            return;
        }
        Thread t = new Thread(() -> {
            try {
                Iterator<MigrationProgress> stream = mesh.workerBlockingStream().watch(WatchMigrationRequest.newBuilder().setId(id).build());
                while (stream.hasNext()) {
                    showProgress(stream.next(), false);
                }
                showProgress(progressOf(mesh.worker().getMigration(GetMigrationRequest.newBuilder().setId(id).build())), true);
            } catch (StatusRuntimeException e) {
                if (!json) {
                    screen.line("migration " + id + ": no progress (" + e.getStatus().getCode() + ": " + e.getStatus().getDescription() + ")");
                }
            } finally {
                watchedMigrations.remove(id);
            }
        }, "ulidmesh-watch-migration-" + id);
        t.setDaemon(true);
        t.start();
    }

    private void showProgress(MigrationProgress p, boolean last) {
        MigrationProgress before = view.migration(p.getId());
        view.migration(p);
        if (json) {
            JsonObject line = Json.object();
            line.add("migration", Json.of(p));
            Json.line(out, line);
            return;
        }
        long now = System.nanoTime();
        Long at = printedAt.get(p.getId());
        boolean changed = before == null || before.getState() != p.getState() || before.getRowsDone() != p.getRowsDone();
        if (changed && (last || before == null || before.getState() != p.getState() || at == null
                || now - at >= MigrationWatch.PLAIN_EVERY_NANOS)) {
            printedAt.put(p.getId(), now);
            screen.line("migration " + p.getId() + " " + MigrationWatch.line(p));
        }
    }

    private void report(Rollout r) {
        if (json) {
            String key = r.toByteString().toStringUtf8();
            if (!key.equals(printed.put("rollout", key))) {
                JsonObject line = Json.object();
                line.add("rollout", Json.of(r));
                Json.line(out, line);
            }
            return;
        }
        emit("rollout", view.headline().replaceAll("  \\(updated.*", ""));
        for (Phase p : r.getPhasesList()) {
            emit("phase:" + p.getName(), "phase " + p.getName() + " " + RolloutView.phaseState(p));
        }
    }

    private void reportSignal(String name, double value) {
        if (view.signalSpecs().stream().noneMatch(s -> s.name().equals(name))) {
            return;
        }
        if (json) {
            String text = Double.toString(value);
            if (!text.equals(printed.put("signal:" + name, text))) {
                JsonObject signal = Json.object();
                signal.addProperty("name", name);
                signal.addProperty("value", value);
                JsonObject line = Json.object();
                line.add("signal", signal);
                Json.line(out, line);
            }
            return;
        }
        view.signalLines().stream().filter(l -> l.strip().startsWith(name + " ")).findFirst()
                .ifPresent(l -> emit("signal:" + name, "signal " + l.strip().replaceAll("\\s{2,}", "  ")));
    }

    /** Piped: prints a line when the text under {@code key} changed since it was last printed. */
    private void emit(String key, String text) {
        if (!screen.live() && !text.equals(printed.put(key, text))) {
            screen.line(text);
        }
    }

    static MigrationProgress progressOf(Migration m) {
        return MigrationProgress.newBuilder().setId(m.getId()).setState(m.getState()).setRowsDone(m.getRowsBackfilled())
                .setRowsTotal(m.getRowsTotal()).setRowsPerSecond(m.getRowsPerSecond()).setAt(m.getUpdatedAt()).build();
    }
}
