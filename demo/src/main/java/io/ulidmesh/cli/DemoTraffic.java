package io.ulidmesh.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ulidmesh.flags.client.FlagClient;
import io.ulidmesh.proto.resolution.v1.Reference;
import io.ulidmesh.proto.resolution.v1.RegisterRequest;
import io.ulidmesh.proto.resolution.v1.ResolveRequest;
import io.ulidmesh.proto.rollout.v1.ReportSignalRequest;
import java.sql.Connection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ecosystem's traffic during the run: systems registering and resolving ULIDs (resolution-service,
 * service token), systems evaluating the plan's flags in-process through flag-client (viewer token),
 * old-code writers inserting rows without ULIDs, and the systems' health reports (ReportSignal,
 * service token): {@code error_rate} from the demo's own error counts, {@code resolution_error_rate},
 * {@code invalid_job_id_rate} and {@code ulid_collision_rate}. A fault makes Crackerjack report a
 * resolution error rate it sets until it is cleared.
 */
final class DemoTraffic implements AutoCloseable {
    /** Status codes that are server failures; NOT_FOUND, INVALID_ARGUMENT and the like are answers. */
    private static final Set<Status.Code> ERRORS = EnumSet.of(Status.Code.UNKNOWN, Status.Code.INTERNAL, Status.Code.UNAVAILABLE,
            Status.Code.DEADLINE_EXCEEDED, Status.Code.DATA_LOSS, Status.Code.UNIMPLEMENTED);
    private static final String[][] SYSTEMS = {{"crackerjack", "job"}, {"session-buddy", "session"}, {"akosha", "entity"},
            {"mahavishnu", "workflow"}, {"oneiric", "component"}};

    private final Mesh service;
    private final FlagClient flagClient;
    private final DemoData data;
    private final List<String> flags;
    private final long reportMillis;
    private final ScheduledExecutorService pool = Executors.newScheduledThreadPool(3, r -> {
        Thread t = new Thread(r, "demo-traffic");
        t.setDaemon(true);
        return t;
    });
    final AtomicLong registered = new AtomicLong();
    final AtomicLong resolved = new AtomicLong();
    final AtomicLong resolutionCalls = new AtomicLong();
    final AtomicLong resolutionErrors = new AtomicLong();
    final AtomicLong evaluations = new AtomicLong();
    final AtomicLong enabled = new AtomicLong();
    final AtomicLong signalsReported = new AtomicLong();
    final AtomicLong writerErrors = new AtomicLong();
    /** Rows the old-code writers added, per table. */
    final Map<String, AtomicLong> written = new ConcurrentHashMap<>();
    private final Map<String, Boolean> writing = new ConcurrentHashMap<>();
    private final Map<String, Long> nextId = new ConcurrentHashMap<>();
    private volatile String rolloutId;
    private volatile double faultValue = -1;
    private long lastCalls;
    private long lastErrors;

    DemoTraffic(Mesh service, Mesh viewer, DemoData data, List<String> flags, long reportMillis) {
        this.service = service;
        this.flagClient = FlagClient.connect(viewer.channel(Mesh.Service.FLAGS));
        this.data = data;
        this.flags = flags;
        this.reportMillis = reportMillis;
    }

    void start(int rows) {
        for (DemoData.Table t : data.tables()) {
            written.put(t.table(), new AtomicLong());
            writing.put(t.table(), true);
            nextId.put(t.table(), rows + 1L);
        }
        pool.scheduleWithFixedDelay(this::resolve, 0, 50, TimeUnit.MILLISECONDS);
        pool.scheduleWithFixedDelay(this::evaluate, 0, 20, TimeUnit.MILLISECONDS);
        pool.scheduleWithFixedDelay(this::write, 100, 250, TimeUnit.MILLISECONDS);
        pool.scheduleWithFixedDelay(this::report, reportMillis, reportMillis, TimeUnit.MILLISECONDS);
    }

    /** From now on, health reports carry this rollout's id (label rollout_id), so they touch no other rollout. */
    void reportFor(String id) {
        this.rolloutId = id;
    }

    /** Whether {@code table} lives in a DuckDB file. */
    boolean isDuckDb(String table) {
        return data.tables().stream().anyMatch(t -> t.table().equals(table) && t.jdbcUrl().startsWith("jdbc:duckdb:"));
    }

    /** Stops the old-code writer of {@code table}. */
    void stopWriter(String table) {
        synchronized (writing) {
            writing.put(table, false);
        }
    }

    boolean writing(String table) {
        return Boolean.TRUE.equals(writing.get(table));
    }

    /** Crackerjack reports {@code value} as its resolution error rate until {@link #clearFault}. */
    void fault(double value) {
        faultValue = value;
    }

    void clearFault() {
        faultValue = -1;
    }

    private void resolve() {
        String[] system = SYSTEMS[ThreadLocalRandom.current().nextInt(SYSTEMS.length)];
        try {
            resolutionCalls.incrementAndGet();
            Reference ref = service.resolution().register(RegisterRequest.newBuilder().setSystem(system[0])
                    .setReferenceType(system[1]).setReference(system[1] + "-" + registered.get() + "-"
                            + Long.toString(System.nanoTime(), 36)).putMetadata("source", "ulidmesh-demo").build());
            registered.incrementAndGet();
            resolutionCalls.incrementAndGet();
            service.resolution().resolve(ResolveRequest.newBuilder().setUlid(ref.getUlid()).build());
            resolved.incrementAndGet();
        } catch (StatusRuntimeException e) {
            if (ERRORS.contains(e.getStatus().getCode())) {
                resolutionErrors.incrementAndGet();
            }
        } catch (RuntimeException e) {
            resolutionErrors.incrementAndGet();
        }
    }

    private void evaluate() {
        for (String flag : flags) {
            evaluations.incrementAndGet();
            if (flagClient.isEnabled(flag, "entity-" + ThreadLocalRandom.current().nextInt(100_000))) {
                enabled.incrementAndGet();
            }
        }
    }

    private void write() {
        for (DemoData.Table t : data.tables()) {
            synchronized (writing) {
                if (!writing(t.table())) {
                    continue;
                }
                int n = 1 + ThreadLocalRandom.current().nextInt(3);
                long from = nextId.get(t.table());
                try (Connection c = data.connect(t)) {
                    data.insert(c, t, from, n);
                    nextId.put(t.table(), from + n);
                    written.get(t.table()).addAndGet(n);
                } catch (Exception e) {
                    writerErrors.incrementAndGet();
                }
            }
        }
    }

    private void report() {
        String id = rolloutId;
        if (id == null) {
            return;
        }
        long calls = resolutionCalls.get();
        long errors = resolutionErrors.get();
        long dc = calls - lastCalls;
        long de = errors - lastErrors;
        lastCalls = calls;
        lastErrors = errors;
        double rate = dc < 20 ? 0 : 100.0 * de / dc;
        double fault = faultValue;
        send(id, "error_rate", rate, "ulidmesh-demo");
        send(id, "resolution_error_rate", fault >= 0 ? fault : rate, "crackerjack");
        send(id, "invalid_job_id_rate", 0, "crackerjack");
        send(id, "ulid_collision_rate", 0, "resolution-service");
    }

    /** One health report; returns the rollouts whose rollback it triggered. */
    List<String> send(String id, String name, double value, String system) {
        try {
            List<String> triggered = service.controller().reportSignal(ReportSignalRequest.newBuilder().setName(name).setValue(value)
                    .putLabels("rollout_id", id).putLabels("system", system).build()).getRollbacksTriggeredList();
            signalsReported.incrementAndGet();
            return triggered;
        } catch (StatusRuntimeException e) {
            return List.of();
        }
    }

    /** Stops every client and writer. */
    @Override
    public void close() {
        synchronized (writing) {
            writing.replaceAll((k, v) -> false);
        }
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flagClient.close();
    }
}
