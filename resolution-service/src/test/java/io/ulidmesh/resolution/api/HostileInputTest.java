package io.ulidmesh.resolution.api;

import static io.ulidmesh.testsupport.GrpcAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status.Code;
import io.quarkus.test.junit.QuarkusTest;
import io.ulidmesh.proto.resolution.v1.ExportRequest;
import io.ulidmesh.proto.resolution.v1.GetStatsRequest;
import io.ulidmesh.proto.resolution.v1.LinkRequest;
import io.ulidmesh.proto.resolution.v1.RegisterError;
import io.ulidmesh.proto.resolution.v1.RegisterRequest;
import io.ulidmesh.proto.resolution.v1.RegisterStreamResponse;
import io.ulidmesh.proto.resolution.v1.ResolveRequest;
import io.ulidmesh.proto.resolution.v1.TraceRequest;
import io.ulidmesh.testsupport.LogCapture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Hostile input over real gRPC: each refusal is INVALID_ARGUMENT naming the field and changes
 * nothing; free text is stored exactly but escaped in log lines; a RegisterStream full of bad items
 * lists a bounded number of them and counts the rest.
 */
@QuarkusTest
class HostileInputTest extends ResolutionTestBase {
    private static final String FORGED = "x\n2030-01-01 00:00:00,000 INFO  [io.ulidmesh] forged\u001b[31m";

    @Test
    void nulAndControlCharactersInIdentifiersAreRefusedAndNothingIsRegistered() {
        String system = uniqueSystem("hostile");
        String ulid = generate(1).get(0);
        String related = register(generate(1).get(0), system, "related").getUlid();
        refusedAndAbsent(ulid, system, r -> r.setUlid(ulid.substring(0, 25) + "\u0000"), "ulid", "position 26");
        refusedAndAbsent(ulid, system, r -> r.setSystem("bad\u0000system"), "system 'bad\\u0000system'");
        refusedAndAbsent(ulid, system, r -> r.setSystem(system + "\n"), "system '" + system + "\\n'");
        refusedAndAbsent(ulid, system, r -> r.setSystem("\u001b[31mred"), "system '\\u001b[31mred'");
        refusedAndAbsent(ulid, system, r -> r.setReferenceType("job\u0000"), "reference_type has a NUL character");
        refusedAndAbsent(ulid, system, r -> r.setReference("a\u0000b"), "reference has a NUL character");
        refusedAndAbsent(ulid, system, r -> r.putMetadata("k\u0000", "v"), "metadata key 'k\\u0000'", "NUL");
        refusedAndAbsent(ulid, system, r -> r.putMetadata("k", "v\u0000"), "metadata value of 'k'", "NUL");
        refusedAndAbsent(ulid, system, r -> r.addRelatedUlids(related).addRelatedUlids("\u0000"), "related_ulids[1]");
        assertThat(referencesBySystem()).containsEntry(system, 1L);
    }

    @Test
    void badRelationsAndEndsAreRefusedAndNoLinkIsMade() {
        String system = uniqueSystem("hostile-link");
        List<String> u = generate(2);
        register(u.get(0), system, "from");
        register(u.get(1), system, "to");
        for (String relation : new String[] {"derived\u0000from", "derived\nfrom", "\u001b[2J", "derived_from\r"}) {
            assertStatus(Code.INVALID_ARGUMENT, () -> stub.link(LinkRequest.newBuilder().setFromUlid(u.get(0))
                    .setToUlid(u.get(1)).setRelation(relation).build()), "relation '");
        }
        assertStatus(Code.INVALID_ARGUMENT, () -> stub.link(LinkRequest.newBuilder().setFromUlid("\u0000")
                .setToUlid(u.get(1)).build()), "from_ulid");
        assertStatus(Code.INVALID_ARGUMENT, () -> stub.link(LinkRequest.newBuilder().setFromUlid(u.get(0))
                .setToUlid(u.get(1) + "\n").build()), "to_ulid");
        assertThat(stub.trace(TraceRequest.newBuilder().setUlid(u.get(0)).build()).getEdgesList()).isEmpty();
    }

    @Test
    void readsRefuseNulInTheirFields() {
        assertStatus(Code.INVALID_ARGUMENT, () -> stub.export(ExportRequest.newBuilder().setSystem("a\u0000")
                .build()).hasNext(), "system 'a\\u0000'");
        assertStatus(Code.INVALID_ARGUMENT, () -> stub.export(ExportRequest.newBuilder().setAfterUlid("\u0000")
                .build()).hasNext(), "after_ulid");
        assertStatus(Code.INVALID_ARGUMENT, () -> stub.resolve(ResolveRequest.newBuilder().setUlid("\u0000")
                .build()), "ulid");
        assertStatus(Code.INVALID_ARGUMENT, () -> stub.trace(TraceRequest.newBuilder().setUlid("\u001b").build()),
                "ulid");
    }

    /** References are a legacy system's own ids, so any text but NUL is kept; logs escape it. */
    @Test
    void freeTextIsStoredExactlyButCannotForgeALogLine() {
        String system = uniqueSystem("hostile-log");
        String ulid = generate(1).get(0);
        register(ulid, system, FORGED);
        assertThat(stub.resolve(ResolveRequest.newBuilder().setUlid(ulid).build()).getReference()).isEqualTo(FORGED);

        List<String> lines;
        try (LogCapture log = LogCapture.of("io.ulidmesh.resolution.domain.Registry")) {
            assertStatus(Code.ALREADY_EXISTS, () -> stub.register(item(ulid, system, "other\r\nINFO forged")
                    .toBuilder().setReferenceType("job\u001b]0;title\u0007").build()));
            lines = log.lines();
        }
        assertThat(lines).filteredOn(line -> line.contains("collision on " + ulid)).singleElement()
                .satisfies(line -> assertThat(line).doesNotContain("\n", "\r", "\u001b", "\u0007")
                        .contains("x\\n2030-01-01", "forged\\u001b[31m", "other\\r\\nINFO forged", "job\\u001b]0;title"));
    }

    @Test
    void aStreamOfManyBadItemsListsTheFirstHundredCountsTheRestAndKeepsTheGoodOnes() {
        String system = uniqueSystem("hostile-stream");
        List<String> u = generate(510);
        List<RegisterRequest> items = new ArrayList<>();
        List<Long> bad = new ArrayList<>();
        List<String> good = new ArrayList<>();
        for (int i = 0; i < u.size(); i++) {
            if (i % 51 == 50) {
                items.add(item(u.get(i), system, "good " + i));
                good.add(u.get(i));
            } else {
                items.add(item(u.get(i), system, "bad\u0000" + i));
                bad.add((long) i);
            }
        }
        assertThat(bad).hasSize(500);
        RegisterStreamResponse response = registerStream(async, items);

        assertThat(response.getRegistered()).isEqualTo(10);
        assertThat(response.getUnchanged()).isZero();
        assertThat(response.getErrorsList()).extracting(RegisterError::getIndex).containsExactlyElementsOf(bad.subList(0, 100));
        assertThat(response.getErrorsList()).extracting(RegisterError::getCode).containsOnly("INVALID_ARGUMENT");
        assertThat(response.getErrors(0).getMessage()).contains("reference has a NUL character")
                .doesNotContain("more errors");
        assertThat(response.getErrors(99).getMessage()).contains("reference has a NUL character",
                "and 400 more errors not listed (500 in all)");
        for (String ulid : good) {
            assertThat(stub.resolve(ResolveRequest.newBuilder().setUlid(ulid).build()).getSystem()).isEqualTo(system);
        }
        assertStatus(Code.NOT_FOUND, () -> stub.resolve(ResolveRequest.newBuilder().setUlid(u.get(0)).build()));
        assertThat(referencesBySystem()).containsEntry(system, 10L);
    }

    @Test
    void aStreamWithinTheBoundListsEveryErrorWithoutACount() {
        String system = uniqueSystem("hostile-few");
        List<String> u = generate(100);
        List<RegisterRequest> items = new ArrayList<>();
        for (String ulid : u) {
            items.add(item(ulid, "Bad", "r"));
        }
        RegisterStreamResponse response = registerStream(async, items);
        assertThat(response.getErrorsCount()).isEqualTo(100);
        assertThat(response.getErrorsList()).extracting(RegisterError::getMessage).noneMatch(m -> m.contains("more errors"));
        assertThat(referencesBySystem()).doesNotContainKey(system);
    }

    /** Systems, types and references are the callers' choice: no meter is labelled with them. */
    @Test
    void metricsCarryNoCallerChosenLabels() {
        register(generate(1).get(0), uniqueSystem("label-warmup"), "warm-up");
        Set<String> before = ulidmeshSeries(scrape());
        for (String ulid : generate(50)) {
            register(ulid, uniqueSystem("label-probe"), "label-probe-reference-" + ulid);
            stub.resolve(ResolveRequest.newBuilder().setUlid(ulid).build());
        }
        String metrics = scrape();
        assertThat(metrics).doesNotContain("label-probe");
        assertThat(ulidmeshSeries(metrics)).isEqualTo(before);
    }

    /** The ulidmesh series of an exposition: names with their labels, without values. */
    private static Set<String> ulidmeshSeries(String metrics) {
        return metrics.lines().filter(line -> line.startsWith("ulidmesh_"))
                .map(line -> line.substring(0, line.lastIndexOf(' '))).collect(Collectors.toSet());
    }

    private Map<String, Long> referencesBySystem() {
        return stub.getStats(GetStatsRequest.getDefaultInstance()).getReferencesBySystemMap();
    }

    /** Register with {@code change} applied is INVALID_ARGUMENT saying {@code parts}; the ULID stays unregistered. */
    private void refusedAndAbsent(String ulid, String system, UnaryOperator<RegisterRequest.Builder> change,
                                  String... parts) {
        assertStatus(Code.INVALID_ARGUMENT,
                () -> stub.register(change.apply(item(ulid, system, "r").toBuilder()).build()), parts);
        assertStatus(Code.NOT_FOUND, () -> stub.resolve(ResolveRequest.newBuilder().setUlid(ulid).build()));
    }
}
