package io.ulidmesh.resolution.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status.Code;
import io.quarkus.test.junit.QuarkusTest;
import io.ulidmesh.proto.resolution.v1.ExportRequest;
import io.ulidmesh.proto.resolution.v1.Reference;
import io.ulidmesh.proto.resolution.v1.RegisterRequest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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

    @Test
    void exportRefusesMalformedArguments() {
        assertThat(failsWith(Code.INVALID_ARGUMENT, () -> export(ExportRequest.newBuilder().setAfterUlid("zz").build())))
                .contains("after_ulid");
        assertThat(failsWith(Code.INVALID_ARGUMENT, () -> export(ExportRequest.newBuilder().setSystem("NOPE").build())))
                .contains("system 'NOPE'");
        assertThat(failsWith(Code.INVALID_ARGUMENT, () -> export(ExportRequest.newBuilder().setLimit(-1).build())))
                .contains("limit -1");
    }

    private List<String> export(ExportRequest request) {
        List<String> out = new ArrayList<>();
        stub.export(request).forEachRemaining(r -> out.add(r.getUlid()));
        return out;
    }
}
