package io.ulidmesh.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ulidmesh.proto.flags.v1.DeleteFlagRequest;
import io.ulidmesh.proto.migration.v1.GetMigrationRequest;
import io.ulidmesh.proto.migration.v1.Migration;
import io.ulidmesh.proto.migration.v1.RegisterTargetRequest;
import io.ulidmesh.proto.rollout.v1.Phase;
import io.ulidmesh.proto.rollout.v1.PhaseMigration;
import io.ulidmesh.proto.rollout.v1.Rollout;
import io.ulidmesh.proto.rollout.v1.CreateRolloutRequest;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./mesh demo}: the seed's ULID ecosystem rollout, end to end on sample data. Makes the three
 * ecosystem databases and registers them as targets, starts the ecosystem's traffic, runs
 * deploy/plans/ulid-ecosystem.yaml faster (the live tree of {@code rollout get --watch} on screen),
 * injects a fault midway, and prints and writes the report. Exit 0 only when the rollout COMPLETED
 * and every table validated; 1 otherwise; 2 on bad usage. {@code ./mesh demo} brings the mesh up
 * first and passes where it is (MESH_* variables).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs the ULID ecosystem rollout end to end on sample data, with a fault, the automatic rollback,"
                + " resume, sign-off and a report.")
public final class Demo implements Callable<Integer> {
    @Option(names = "--rows", paramLabel = "N", defaultValue = "100000",
            description = "rows in each ecosystem table (default ${DEFAULT-VALUE}); below --speed max each backfill is"
                    + " throttled to about 5 s")
    int rows;
    @Option(names = "--speed", paramLabel = "S|max", defaultValue = "28800",
            description = "bakes divided by S (default ${DEFAULT-VALUE}: 24h bakes 3 s); max: ~2 s bakes, interval 1 s")
    String speed;
    @Option(names = "--fault-at", paramLabel = "PHASE", description = "the phase whose bake gets the fault (default: the second migration phase)")
    String faultAt;
    @Option(names = "--no-fault", description = "no fault, no rollback")
    boolean noFault;
    @Option(names = "--plain", description = "plain lines instead of the live tree even on a terminal")
    boolean plain;
    @Option(names = "--plan", paramLabel = "FILE", defaultValue = "deploy/plans/ulid-ecosystem.yaml", description = "the plan")
    Path planFile;
    /** ./mesh checks the options with this before it brings the mesh up. */
    @Option(names = "--check-options", hidden = true)
    boolean checkOptionsOnly;
    @Option(names = "--report", paramLabel = "FILE", description = "the JSON report (default MESH_STATE_DIR/demo-report.json)")
    Path reportFile;

    private static final int BACKFILL_SECONDS = 5;

    private final Map<String, String> env = System.getenv();
    private final PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Demo());
        cli.setExecutionExceptionHandler((e, c, parsed) -> {
            c.getErr().println("demo: " + (e instanceof StatusRuntimeException s ? s.getStatus() : e.toString()));
            return 1;
        });
        System.exit(cli.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (rows < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--rows must be at least 1");
        }
        double factor = speed(speed);
        DemoPlan checked = DemoPlan.of(Files.readString(planFile), factor, 0);
        if (faultAt != null && !checked.phases.contains(faultAt)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--fault-at: no phase '" + faultAt + "'; the phases: "
                    + String.join(", ", checked.phases));
        }
        if (checkOptionsOnly) {
            return 0;
        }
        Path state = Path.of(env.getOrDefault("MESH_STATE_DIR", ".mesh")).toAbsolutePath();
        Path targets = Path.of(env.getOrDefault("MESH_TARGETS_DIR", state.resolve("targets").toString()));
        Path report = reportFile != null ? reportFile : state.resolve("demo-report.json");
        // Below max speed each backfill is throttled to take about BACKFILL_SECONDS, with visible progress.
        DemoPlan plan = DemoPlan.of(Files.readString(planFile), factor, factor == 0 ? 0 : Math.max(100, rows / BACKFILL_SECONDS));
        DemoData data = new DemoData(targets, env.getOrDefault("MESH_PG_HOST", "127.0.0.1"),
                Integer.parseInt(env.getOrDefault("MESH_PG_PORT", "5432")), env.getOrDefault("MESH_PG_USER", "postgres"),
                env.getOrDefault("MESH_PG_PASSWORD", ""), env.getOrDefault("MESH_DB_PREFIX", "ulidmesh_") + "demo_akosha");
        DemoReport r = new DemoReport();
        long start = System.nanoTime();
        try (Mesh admin = mesh(state, "admin"); Mesh service = mesh(state, "service"); Mesh viewer = mesh(state, "viewer")) {
            out.printf("demo: making the ecosystem's databases, %d rows each (Crackerjack jobs in SQLite, Session-Buddy sessions"
                    + " in DuckDB under %s, Akosha entities in PostgreSQL database %s)%n", rows, targets, data.entities.jdbcUrl());
            data.create(rows);
            registerTargets(admin, data);
            Rollout planned = admin.controller().createRollout(CreateRolloutRequest.newBuilder().setPlanYaml(plan.yaml).build());
            List<String> flags = new ArrayList<>();
            for (Phase p : planned.getPhasesList()) {
                flags.addAll(p.getFlagsMap().keySet());
            }
            resetFlags(admin, flags);
            String fault = noFault ? null : faultPhase(planned);
            try (DemoTraffic traffic = new DemoTraffic(service, viewer, data, flags, plan.intervalMillis)) {
                DemoRun run = new DemoRun(admin, traffic, plan, fault, out);
                run.adopt(planned);
                traffic.reportFor(planned.getId());
                traffic.start(rows);
                out.printf("demo: traffic started: ULID registrations and resolutions (service token), in-process flag evaluations"
                        + " (flag-client, viewer token), old-code writers on the three tables, health reports every %d ms%n",
                        plan.intervalMillis);
                if (plan.errorRatePushed) {
                    r.notes.add("no Prometheus runs beside ./mesh up: the plan's error_rate signal is a push signal fed by the demo's"
                            + " own clients' error counts");
                }
                r.notes.add("old-code writers of SQLite and PostgreSQL write through their migrations: Expand's write-sync trigger"
                        + " gives their rows ULIDs; DuckDB's writer stops first, as DuckDB opens a file for one writing process");
                out.printf("demo: rollout %s of %s, bakes divided by %s; fault: %s%n", planned.getId(), planned.getName(),
                        factor == 0 ? "max" : speed, fault == null ? "none" : fault);
                Thread watch = liveView(admin, planned.getId());
                Rollout end = run.run(600_000);
                watch.join(15_000);
                traffic.close();
                fill(r, run, end, data, traffic, admin, fault);
            }
        }
        r.json.addProperty("total_ms", (System.nanoTime() - start) / 1_000_000);
        r.write(report);
        r.print(out, report);
        return r.success() ? 0 : 1;
    }

    private double speed(String text) {
        if (text.equalsIgnoreCase("max")) {
            return 0;
        }
        try {
            double s = Double.parseDouble(text);
            if (s > 0 && Double.isFinite(s)) {
                return s;
            }
        } catch (NumberFormatException e) {
            // the usage error below
        }
        throw new CommandLine.ParameterException(new CommandLine(this), "--speed: '" + text + "' is not a positive number or max");
    }

    private Mesh mesh(Path state, String token) {
        Ulidmesh root = new Ulidmesh(env, Path.of(""));
        root.tokenFile = state.resolve("secrets").resolve(token + ".jwt");
        return new Mesh(Settings.of(root));
    }

    private static void registerTargets(Mesh admin, DemoData data) {
        for (DemoData.Table t : data.tables()) {
            try {
                admin.worker().registerTarget(RegisterTargetRequest.newBuilder().setName(t.target()).setJdbcUrl(t.jdbcUrl())
                        .setUsername(t.user()).setPassword(t.password()).build());
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
                    throw e;
                }
            }
        }
    }

    /** The plan's flags start absent, as before the real rollout (a previous demo run may have left them on). */
    private static void resetFlags(Mesh admin, List<String> flags) {
        for (String f : flags) {
            try {
                admin.flags().deleteFlag(DeleteFlagRequest.newBuilder().setName(f).setReason("ulidmesh demo: fresh start").build());
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                    throw e;
                }
            }
        }
    }

    private String faultPhase(Rollout r) {
        List<String> names = new ArrayList<>();
        List<String> migrating = new ArrayList<>();
        for (Phase p : r.getPhasesList()) {
            names.add(p.getName());
            if (p.getMigrationsCount() > 0) {
                migrating.add(p.getName());
            }
        }
        if (faultAt != null) {
            return faultAt; // checked against the plan's phases before anything started
        }
        return migrating.size() > 1 ? migrating.get(1) : names.get(names.size() / 2);
    }

    private Thread liveView(Mesh admin, String id) {
        Thread t = new Thread(() -> {
            try {
                new RolloutWatch(admin, out, Screen.choose(plain, out), false).follow(id);
            } catch (Exception e) {
                out.println("demo: the live view stopped: " + e.getMessage());
            }
        }, "demo-live-view");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void fill(DemoReport r, DemoRun run, Rollout end, DemoData data, DemoTraffic traffic, Mesh admin, String fault)
            throws Exception {
        r.json.addProperty("rollout_id", end.getId());
        r.json.addProperty("plan", end.getName());
        r.json.addProperty("state", end.getState().name());
        r.json.addProperty("last_reason", end.getLastReason());
        r.json.addProperty("rows_option", rows);
        r.json.addProperty("speed", speed);
        if (fault != null) {
            r.json.addProperty("fault_at", fault);
        }
        if (run.unexpected != null) {
            r.notes.add(run.unexpected);
        }
        for (Phase p : end.getPhasesList()) {
            JsonObject o = new JsonObject();
            o.addProperty("name", p.getName());
            o.addProperty("state", p.getState().name().replaceFirst("^PHASE_", ""));
            o.addProperty("bake_ms", run.planBake(p.getName()));
            o.addProperty("attempts", run.attempts.getOrDefault(p.getName(), 0));
            if (p.hasStartedAt() && p.hasFinishedAt()) {
                o.addProperty("duration_ms", millis(p.getFinishedAt()) - millis(p.getStartedAt()));
            }
            o.addProperty("manual_gate", p.getManualGate());
            r.phases.add(o);
        }
        for (DemoData.Table t : data.tables()) {
            r.databases.add(database(t, end, data, traffic, admin));
        }
        if (run.rollback != null) {
            JsonObject b = new JsonObject();
            b.addProperty("phase", run.rollback.phase());
            b.addProperty("signal", DemoRun.FAULT_SIGNAL);
            b.addProperty("value", DemoRun.FAULT_VALUE);
            b.addProperty("system", DemoRun.FAULT_SYSTEM);
            b.addProperty("detection_to_rollback_ms", run.rollback.detectionToRollbackMillis());
            b.addProperty("reason", run.rollback.reason());
            b.addProperty("resume_reason", run.rollback.resumeReason());
            r.json.add("rollback", b);
        }
        JsonObject t = new JsonObject();
        t.addProperty("registered", traffic.registered.get());
        t.addProperty("resolved", traffic.resolved.get());
        t.addProperty("resolution_errors", traffic.resolutionErrors.get());
        t.addProperty("flag_evaluations", traffic.evaluations.get());
        t.addProperty("flags_enabled", traffic.enabled.get());
        t.addProperty("signals_reported", traffic.signalsReported.get());
        t.addProperty("writer_errors", traffic.writerErrors.get());
        r.json.add("traffic", t);
        JsonArray events = new JsonArray();
        run.eventLines().forEach(events::add);
        r.json.add("events", events);
    }

    private JsonObject database(DemoData.Table t, Rollout end, DemoData data, DemoTraffic traffic, Mesh admin) throws Exception {
        JsonObject o = new JsonObject();
        o.addProperty("target", t.target());
        o.addProperty("engine", t.jdbcUrl().split(":")[1]);
        o.addProperty("table", t.table());
        o.addProperty("ulid_column", t.ulidColumn());
        DemoData.Count c = data.count(t);
        long written = traffic.written.get(t.table()).get();
        o.addProperty("rows", c.rows());
        o.addProperty("seeded", rows);
        o.addProperty("written_by_old_code", written);
        o.addProperty("rows_migrated", c.withUlid());
        o.addProperty("distinct_ulids", c.distinctUlids());
        Migration m = migrationOf(end, t, admin);
        String problems = "";
        if (m != null) {
            o.addProperty("migration_id", m.getId());
            o.addProperty("migration_state", m.getState().name());
            o.addProperty("rows_backfilled", m.getRowsBackfilled());
            o.addProperty("baseline_rows", m.getBaselineRows());
        } else {
            problems = "no migration found; ";
        }
        boolean counted = c.rows() == rows + written && c.withUlid() == c.rows() && c.distinctUlids() == c.rows();
        if (!counted) {
            problems += "rows " + c.rows() + " (expected " + (rows + written) + "), with a ULID " + c.withUlid() + ", distinct "
                    + c.distinctUlids();
        }
        boolean validated = m != null && m.getState().name().equals("VALIDATED") && counted;
        if (m != null && !m.getState().name().equals("VALIDATED")) {
            problems += " migration " + m.getState() + " " + m.getLastError();
        }
        o.addProperty("validated", validated);
        o.addProperty("validation", validated ? "worker VALIDATED; every row has a distinct ULID" : problems.strip());
        return o;
    }

    private static Migration migrationOf(Rollout end, DemoData.Table t, Mesh admin) {
        for (Phase p : end.getPhasesList()) {
            for (PhaseMigration pm : p.getMigrationsList()) {
                if (pm.getTable().equals(t.table()) && !pm.getMigrationId().isEmpty()) {
                    return admin.worker().getMigration(GetMigrationRequest.newBuilder().setId(pm.getMigrationId()).build());
                }
            }
        }
        return null;
    }

    private static long millis(com.google.protobuf.Timestamp t) {
        return t.getSeconds() * 1000 + t.getNanos() / 1_000_000;
    }
}
