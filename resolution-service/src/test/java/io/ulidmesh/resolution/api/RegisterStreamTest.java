package io.ulidmesh.resolution.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.ulidmesh.proto.resolution.v1.ExportRequest;
import io.ulidmesh.proto.resolution.v1.GetStatsRequest;
import io.ulidmesh.proto.resolution.v1.Reference;
import io.ulidmesh.proto.resolution.v1.RegisterError;
import io.ulidmesh.proto.resolution.v1.RegisterRequest;
import io.ulidmesh.proto.resolution.v1.RegisterStreamResponse;
import io.ulidmesh.proto.resolution.v1.ResolveRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RegisterStreamTest extends ResolutionTestBase {

    @Test
    void goodItemsSurviveBadOnesAndEachBadOneIsReportedWithItsIndex() {
        String system = uniqueSystem("crackerjack");
        List<String> u = generate(6);
        register(u.get(5), system, "taken");
        String unregistered = generate(1).get(0);
        List<RegisterRequest> items = List.of(
                item(u.get(0), system, "r0"),                         // 0 registered
                item("01ARZ3NDEKTSV4RRFFQ69G5FA", system, "r1"),      // 1 bad length
                item(u.get(1).toLowerCase(), system, "r2", u.get(0)), // 2 registered, related to an item before it
                item(u.get(5), system, "taken"),                      // 3 unchanged
                item(u.get(5), system, "stolen"),                     // 4 collision
                item(u.get(2), "Bad", "r5"),                          // 5 bad system
                item(u.get(3), system, "r6", unregistered),           // 6 related not registered
                item(u.get(0), system, "r0"),                         // 7 repeat in the stream: unchanged
                item(u.get(0), system, "other"),                      // 8 repeat with other content: collision
                item(u.get(4), system, "r9", u.get(3)),               // 9 related to the refused item 6
                item("", system, "generated"));                       // 10 registered, ULID generated
        RegisterStreamResponse response = registerStream(async, items);

        assertThat(response.getRegistered()).isEqualTo(3);
        assertThat(response.getUnchanged()).isEqualTo(2);
        assertThat(response.getErrorsList()).extracting(RegisterError::getIndex).containsExactly(1L, 4L, 5L, 6L, 8L, 9L);
        assertThat(response.getErrorsList()).extracting(RegisterError::getCode).containsExactly("INVALID_ARGUMENT",
                "ALREADY_EXISTS", "INVALID_ARGUMENT", "FAILED_PRECONDITION", "ALREADY_EXISTS", "FAILED_PRECONDITION");
        assertThat(response.getErrors(0).getUlid()).isEqualTo("01ARZ3NDEKTSV4RRFFQ69G5FA");
        assertThat(response.getErrors(0).getMessage()).contains("25 characters");
        assertThat(response.getErrors(3).getMessage()).contains(unregistered);
        assertThat(response.getErrors(4).getMessage()).contains("r0").contains("other");

        assertThat(stub.resolve(ResolveRequest.newBuilder().setUlid(u.get(1)).build()).getReference()).isEqualTo("r2");
        assertThat(stub.resolve(ResolveRequest.newBuilder().setUlid(u.get(5)).build()).getReference()).isEqualTo("taken");
        assertThat(stub.getStats(GetStatsRequest.getDefaultInstance()).getReferencesBySystemMap())
                .containsEntry(system, 4L);
    }

    @Test
    void anEmptyStreamRegistersNothing() {
        RegisterStreamResponse response = registerStream(async, List.of());
        assertThat(response.getRegistered()).isZero();
        assertThat(response.getUnchanged()).isZero();
        assertThat(response.getErrorsCount()).isZero();
    }

    @Test
    void streamsLongerThanOneChunkKeepTheirIndexes() {
        String system = uniqueSystem("oneiric");
        List<String> u = generate(2500);
        List<RegisterRequest> items = new ArrayList<>();
        for (int i = 0; i < u.size(); i++) {
            items.add(i % 1000 == 999 ? item("bad", system, "r" + i) : item(u.get(i), system, "r" + i));
        }
        RegisterStreamResponse response = registerStream(async, items);
        assertThat(response.getRegistered()).isEqualTo(2498);
        assertThat(response.getErrorsList()).extracting(RegisterError::getIndex).containsExactly(999L, 1999L);
    }

    /**
     * Chunks of new ULIDs are written with COPY, whose text format gives tab, newline, carriage return,
     * backslash and \\N a meaning: every character must come back exactly as sent.
     */
    @Test
    void bulkRegistrationKeepsEveryCharacterExactly() {
        String system = uniqueSystem("copy-text");
        String[] awkward = {"tab\there", "new\nline", "carriage\rreturn", "back\\slash", "\\N", "\\.", "é ✓ 🦀",
            "quote\"s and 'single'", "trailing space ", "{\"json\": \"looking\"}"};
        List<String> u = generate(200);
        List<RegisterRequest> items = new ArrayList<>();
        for (int i = 0; i < u.size(); i++) {
            String text = awkward[i % awkward.length] + " #" + i;
            items.add(item(u.get(i), system, text).toBuilder().setReferenceType(awkward[(i + 3) % awkward.length])
                    .putMetadata("note", text).putMetadata(awkward[(i + 1) % awkward.length], "v\\" + i).build());
        }
        assertThat(registerStream(async, items).getRegistered()).isEqualTo(200);

        List<Reference> exported = new ArrayList<>();
        stub.export(ExportRequest.newBuilder().setSystem(system).build()).forEachRemaining(exported::add);
        assertThat(exported).hasSize(200);
        for (int i = 0; i < exported.size(); i++) {
            Reference r = exported.get(i);
            assertThat(r.getUlid()).isEqualTo(u.get(i));
            assertThat(r.getReference()).isEqualTo(items.get(i).getReference());
            assertThat(r.getReferenceType()).isEqualTo(items.get(i).getReferenceType());
            assertThat(r.getMetadataMap()).isEqualTo(items.get(i).getMetadataMap());
            assertThat(r.getRegisteredBy()).isNotEmpty();
            assertThat(r.hasRegisteredAt()).isTrue();
        }
    }

    /** A bulk chunk holding ULIDs already registered is still sorted into registered, unchanged and collisions. */
    @Test
    void bulkChunkWithRegisteredUlidsCountsEachOutcome() {
        String system = uniqueSystem("copy-fallback");
        List<String> u = generate(300);
        register(u.get(10), system, "r10");
        register(u.get(20), system, "first owner");
        List<RegisterRequest> items = new ArrayList<>();
        for (int i = 0; i < u.size(); i++) {
            items.add(item(u.get(i), system, "r" + i));
        }
        RegisterStreamResponse response = registerStream(async, items);
        assertThat(response.getRegistered()).isEqualTo(298);
        assertThat(response.getUnchanged()).isEqualTo(1);
        assertThat(response.getErrorsList()).extracting(RegisterError::getIndex).containsExactly(20L);
        assertThat(response.getErrors(0).getCode()).isEqualTo("ALREADY_EXISTS");
        assertThat(stub.resolve(ResolveRequest.newBuilder().setUlid(u.get(20)).build()).getReference())
                .isEqualTo("first owner");
        assertThat(stub.getStats(GetStatsRequest.getDefaultInstance()).getReferencesBySystemMap())
                .containsEntry(system, 300L);
    }

    /**
     * Many clients registering 100,000 ULIDs at once, every ULID sent by two of them concurrently:
     * exactly 100,000 registered and 100,000 unchanged, none lost, none doubled.
     */
    @Test
    void manyConcurrentStreamsRegisterOneHundredThousandUlidsExactly() throws Exception {
        String system = uniqueSystem("concurrency");
        List<String> ulids = new ArrayList<>();
        while (ulids.size() < 100_000) {
            ulids.addAll(generate(10_000));
        }
        int clients = 8;
        int slice = ulids.size() / clients;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<RegisterStreamResponse>> results = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            // Client c sends its own slice and the next client's slice, so each ULID races with another client.
            List<RegisterRequest> items = new ArrayList<>();
            for (int s : new int[] {c, (c + 1) % clients}) {
                for (int i = s * slice; i < (s + 1) * slice; i++) {
                    items.add(item(ulids.get(i), system, "ref-" + i));
                }
            }
            results.add(pool.submit(() -> registerStream(async, items)));
        }
        long registered = 0;
        long unchanged = 0;
        for (Future<RegisterStreamResponse> f : results) {
            RegisterStreamResponse r = f.get();
            assertThat(r.getErrorsList()).isEmpty();
            registered += r.getRegistered();
            unchanged += r.getUnchanged();
        }
        pool.shutdown();
        assertThat(registered).isEqualTo(100_000);
        assertThat(unchanged).isEqualTo(100_000);
        assertThat(stub.getStats(GetStatsRequest.getDefaultInstance()).getReferencesBySystemMap())
                .containsEntry(system, 100_000L);

        List<String> exported = new ArrayList<>();
        List<String> references = new ArrayList<>();
        stub.export(ExportRequest.newBuilder().setSystem(system).build()).forEachRemaining(r -> {
            exported.add(r.getUlid());
            references.add(r.getReference());
        });
        assertThat(exported).isEqualTo(ulids); // generated in order, exported in order, each once
        for (int i = 0; i < references.size(); i++) {
            assertThat(references.get(i)).isEqualTo("ref-" + i);
        }
    }
}
