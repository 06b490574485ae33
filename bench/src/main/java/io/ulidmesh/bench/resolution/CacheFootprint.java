package io.ulidmesh.bench.resolution;

import com.github.f4b6a3.ulid.Ulid;
import io.ulidmesh.bench.core.LoadSpec;
import io.ulidmesh.proto.resolution.v1.BatchResolveRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Heap per entry of the Resolve cache: the service's heap after a full GC (jcmd GC.run, then
 * jvm_memory_used_bytes from /q/metrics), before and after resolving {@code --count} registered
 * ULIDs that were not cached yet, divided by the count.
 *
 * <pre>
 * java -cp ... io.ulidmesh.bench.resolution.CacheFootprint --target 127.0.0.1:18681 --service-pid PID \
 *     --jdbc jdbc:postgresql://127.0.0.1:5432/ulidmesh_bench_scale_1m --count 500000
 * </pre>
 */
public final class CacheFootprint {
    private CacheFootprint() {
    }

    public static void main(String[] args) throws Exception {
        LoadSpec spec = LoadSpec.parse(args);
        ResolutionBench bench = new ResolutionBench(spec);
        long pid = Long.parseLong(spec.option("service-pid", "0"));
        int count = Integer.parseInt(spec.option("count", "500000"));
        List<String> ulids = new ArrayList<>(count);
        try (Connection c = DriverManager.getConnection(spec.option("jdbc", ""), "postgres", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT ulid FROM reference LIMIT " + count)) {
            while (rs.next()) {
                ulids.add(Ulid.from((UUID) rs.getObject(1)).toString());
            }
        }
        String metrics = "http://" + spec.host() + ":" + spec.port() + "/q/metrics";
        long before = heapAfterGc(pid, metrics);
        for (int i = 0; i < ulids.size(); i += 10_000) {
            bench.stubs.next().batchResolve(BatchResolveRequest.newBuilder()
                    .addAllUlids(ulids.subList(i, Math.min(ulids.size(), i + 10_000))).build()).get();
        }
        long after = heapAfterGc(pid, metrics);
        System.out.printf("heap after GC: %,d -> %,d bytes for %,d cached references = %.0f bytes per entry%n",
                before, after, ulids.size(), (after - before) / (double) ulids.size());
        bench.targets.close();
        System.exit(0);
    }

    private static long heapAfterGc(long pid, String metrics) throws IOException, InterruptedException {
        for (int i = 0; i < 2; i++) {
            Process gc = new ProcessBuilder("jcmd", Long.toString(pid), "GC.run").inheritIO().start();
            if (gc.waitFor() != 0) {
                throw new IllegalStateException("jcmd GC.run failed");
            }
        }
        String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(metrics)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        double heap = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                heap += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return (long) heap;
    }
}
