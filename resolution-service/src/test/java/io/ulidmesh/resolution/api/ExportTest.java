package io.ulidmesh.resolution.api;

import static io.ulidmesh.testsupport.GrpcAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.Status.Code;
import io.grpc.netty.NettyChannelBuilder;
import io.quarkus.test.junit.QuarkusTest;
import io.ulidmesh.proto.resolution.v1.ExportRequest;
import io.ulidmesh.proto.resolution.v1.Reference;
import io.ulidmesh.proto.resolution.v1.RegisterRequest;
import io.ulidmesh.proto.resolution.v1.ResolutionServiceGrpc;
import io.ulidmesh.testsupport.TestChannels;
import io.ulidmesh.testsupport.TestTokens;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ExportTest extends ResolutionTestBase {

    @Test
    void exportsOneSystemInUlidOrderAcrossChunksAndResumesAfterTheLastUlidReceived() {
        String system = uniqueSystem("export");
        String other = uniqueSystem("export-other");
        List<String> ulids = generate(2345);
        List<RegisterRequest> items = new ArrayList<>();
        // Registered out of order, and interleaved with another system's references.
        for (int i = ulids.size() - 1; i >= 0; i--) {
            items.add(item(ulids.get(i), i % 3 == 0 ? other : system, "r" + i));
        }
        assertThat(registerStream(async, items).getRegistered()).isEqualTo(2345);
        List<String> mine = new ArrayList<>();
        for (int i = 0; i < ulids.size(); i++) {
            if (i % 3 != 0) {
                mine.add(ulids.get(i));
            }
        }

        assertThat(export(ExportRequest.newBuilder().setSystem(system).build())).isEqualTo(mine);

        // A client that stops after 1100 resumes from the last ULID it received, in any case.
        Iterator<Reference> stream = stub.export(ExportRequest.newBuilder().setSystem(system).build());
        List<String> resumed = new ArrayList<>();
        for (int i = 0; i < 1100; i++) {
            resumed.add(stream.next().getUlid());
        }
        resumed.addAll(export(ExportRequest.newBuilder().setSystem(system)
                .setAfterUlid(resumed.get(resumed.size() - 1).toLowerCase()).build()));
        assertThat(resumed).isEqualTo(mine);

        assertThat(export(ExportRequest.newBuilder().setSystem(system).setLimit(5).build()))
                .isEqualTo(mine.subList(0, 5));
        assertThat(export(ExportRequest.newBuilder().setSystem(system).setAfterUlid(mine.get(9)).setLimit(3).build()))
                .isEqualTo(mine.subList(10, 13));
        assertThat(export(ExportRequest.newBuilder().setSystem(system).setAfterUlid(mine.get(mine.size() - 1))
                .build())).isEmpty();
        assertThat(export(ExportRequest.newBuilder().setSystem(uniqueSystem("nobody")).build())).isEmpty();
    }

    @Test
    void exportsEverySystemInUlidOrder() {
        String a = uniqueSystem("all-a");
        String b = uniqueSystem("all-b");
        List<String> ulids = generate(4);
        register(ulids.get(0), a, "0");
        register(ulids.get(1), b, "1");
        register(ulids.get(2), a, "2");
        register(ulids.get(3), b, "3");
        String before = generate(1).get(0);
        // Everything after a point, whatever the system: a resume point before these four finds them in order.
        List<String> all = export(ExportRequest.newBuilder().build());
        assertThat(all).isSorted().doesNotHaveDuplicates();
        int at = all.indexOf(ulids.get(0));
        assertThat(all.subList(at, at + 4)).isEqualTo(ulids);
        assertThat(export(ExportRequest.newBuilder().setAfterUlid(before).build())).isEmpty();
    }

    /**
     * Export reads a page only when the call can take more, so a client that stops reading holds the
     * server to about one page, however large the registry: nothing piles up in its memory.
     */
    @Test
    void aClientThatStopsReadingHoldsTheServerToAboutOnePage() throws Exception {
        String system = uniqueSystem("slow-reader");
        int total = 20_000;
        List<String> ulids = new ArrayList<>();
        while (ulids.size() < total) {
            ulids.addAll(generate(10_000));
        }
        String padding = "x".repeat(200); // ~300-byte messages: the transport's buffers hold a few hundred
        List<RegisterRequest> items = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            items.add(item(ulids.get(i), system, padding + i));
        }
        assertThat(registerStream(async, items).getRegistered()).isEqualTo(total);
        double readBefore = value(scrape(), "ulidmesh_export_references_total");

        // A client with a 64 KiB HTTP/2 window that takes one message and then nothing for a while.
        ManagedChannel narrow = NettyChannelBuilder.forAddress("127.0.0.1", TestChannels.quarkusTestPort())
                .usePlaintext().flowControlWindow(64 * 1024).intercept(TestChannels.bearer(TestTokens.admin())).build();
        try {
            List<Reference> received = Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<Reference> first = new CompletableFuture<>();
            CompletableFuture<Status> closed = new CompletableFuture<>();
            ClientCall<ExportRequest, Reference> call = narrow.newCall(ResolutionServiceGrpc.getExportMethod(), CallOptions.DEFAULT);
            call.start(new ClientCall.Listener<>() {
                @Override
                public void onMessage(Reference message) {
                    received.add(message);
                    first.complete(message);
                }

                @Override
                public void onClose(Status status, Metadata trailers) {
                    closed.complete(status);
                }
            }, new Metadata());
            call.sendMessage(ExportRequest.newBuilder().setSystem(system).build());
            call.halfClose();
            call.request(1);
            assertThat(first.get(30, TimeUnit.SECONDS).getUlid()).isEqualTo(ulids.get(0));

            double readWhileStalled = steady(() -> value(scrape(), "ulidmesh_export_references_total") - readBefore);
            assertThat(readWhileStalled).as("references read while the client takes none")
                    .isGreaterThanOrEqualTo(1).isLessThanOrEqualTo(3 * ResolutionGrpcService.CHUNK);

            call.request(Integer.MAX_VALUE);
            assertThat(closed.get(60, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.OK);
            List<String> exported = received.stream().map(Reference::getUlid).toList();
            assertThat(exported.equals(ulids)).as("all %d exported in ULID order, each once", total).isTrue();
            assertThat(value(scrape(), "ulidmesh_export_references_total") - readBefore)
                    .as("each reference read once").isEqualTo(total);
        } finally {
            narrow.shutdownNow();
        }
    }

    /** The value once it has stopped changing for a second (polled every 100 ms, for at most 20 s). */
    private static double steady(java.util.function.DoubleSupplier value) throws InterruptedException {
        double last = value.getAsDouble();
        long stableSince = System.nanoTime();
        long giveUp = stableSince + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() - stableSince < TimeUnit.SECONDS.toNanos(1) && System.nanoTime() < giveUp) {
            Thread.sleep(100);
            double now = value.getAsDouble();
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            }
        }
        return last;
    }

    @Test
    void exportRefusesMalformedArguments() {
        assertStatus(Code.INVALID_ARGUMENT, () -> export(ExportRequest.newBuilder().setAfterUlid("zz").build()),
                "after_ulid");
        assertStatus(Code.INVALID_ARGUMENT, () -> export(ExportRequest.newBuilder().setSystem("NOPE").build()),
                "system 'NOPE'");
        assertStatus(Code.INVALID_ARGUMENT, () -> export(ExportRequest.newBuilder().setLimit(-1).build()), "limit -1");
    }

    private List<String> export(ExportRequest request) {
        List<String> out = new ArrayList<>();
        stub.export(request).forEachRemaining(r -> out.add(r.getUlid()));
        return out;
    }
}
