package io.ulidmesh.cli;

import com.google.gson.JsonObject;
import io.ulidmesh.proto.migration.v1.GetMigrationRequest;
import io.ulidmesh.proto.migration.v1.Migration;
import io.ulidmesh.proto.migration.v1.MigrationProgress;
import io.ulidmesh.proto.migration.v1.WatchMigrationRequest;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.List;

/** {@code migrate status ID --watch}: the worker's Watch stream as a progress bar, until a resting state. */
final class MigrationWatch {
    /** Piped, a progress line at most this often (state changes always print). */
    static final long PLAIN_EVERY_NANOS = 1_000_000_000L;
    private final Mesh mesh;
    private final PrintWriter out;
    private final Screen screen;
    private final boolean json;

    MigrationWatch(Mesh mesh, PrintWriter out, Screen screen, boolean json) {
        this.mesh = mesh;
        this.out = out;
        this.screen = screen;
        this.json = json;
    }

    int follow(Migration m) {
        String where = m.getSpec().getTarget() + "." + m.getSpec().getTable() + "." + m.getSpec().getUlidColumn();
        String title = "migration " + m.getId() + "  " + m.getSpec().getName() + "  " + where;
        Iterator<MigrationProgress> stream = mesh.workerBlockingStream().watch(WatchMigrationRequest.newBuilder().setId(m.getId()).build());
        MigrationProgress last = null;
        long lastLine = 0;
        if (!json && !screen.live()) {
            screen.line(title);
        }
        try {
            while (stream.hasNext()) {
                MigrationProgress p = stream.next();
                if (json) {
                    JsonObject line = Json.object();
                    line.add("migration", Json.of(p));
                    Json.line(out, line);
                } else if (screen.live()) {
                    screen.frame(List.of(title, "", "  " + line(p), "", "  (Watch stream; Ctrl-C leaves, the migration goes on)"));
                } else if (last == null || last.getState() != p.getState() || System.nanoTime() - lastLine >= PLAIN_EVERY_NANOS) {
                    screen.line(Text.clock(p.getAt()) + "  " + line(p));
                    lastLine = System.nanoTime();
                }
                last = p;
            }
            Migration end = mesh.worker().getMigration(GetMigrationRequest.newBuilder().setId(m.getId()).build());
            String summary = "migration " + end.getId() + " is " + end.getState()
                    + (end.getLastError().isEmpty() ? "" : ": " + end.getLastError());
            if (json) {
                JsonObject line = Json.object();
                line.add("final", Json.of(end));
                Json.line(out, line);
            } else if (screen.live()) {
                screen.frame(List.of(title, "", "  " + Text.progress(end.getRowsBackfilled(), end.getRowsTotal(), 0, 0, 30) + "  "
                        + end.getState(), "", summary));
            } else {
                screen.line(summary);
            }
            return 0;
        } finally {
            screen.close();
        }
    }

    static String line(MigrationProgress p) {
        return Text.progress(p.getRowsDone(), p.getRowsTotal(), p.getRowsPerSecond(), p.getEtaSeconds(), 30) + "  " + p.getState();
    }
}
