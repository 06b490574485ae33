package io.ulidmesh.resolution.api;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.ulidmesh.common.error.GrpcErrorMapping;
import io.ulidmesh.proto.resolution.v1.Edge;
import io.ulidmesh.proto.resolution.v1.GetStatsResponse;
import io.ulidmesh.proto.resolution.v1.LinkResponse;
import io.ulidmesh.proto.resolution.v1.Reference;
import io.ulidmesh.proto.resolution.v1.RegisterError;
import io.ulidmesh.proto.resolution.v1.RegisterRequest;
import io.ulidmesh.proto.resolution.v1.RegisterStreamResponse;
import io.ulidmesh.proto.resolution.v1.TraceResponse;
import io.ulidmesh.resolution.domain.BatchOutcome;
import io.ulidmesh.resolution.domain.LinkOutcome;
import io.ulidmesh.resolution.domain.RegisterCommand;
import io.ulidmesh.resolution.domain.Stats;
import io.ulidmesh.resolution.domain.TraceResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** protobuf ⇄ domain. */
final class ProtoMapping {
    private ProtoMapping() {
    }

    static RegisterCommand command(RegisterRequest r, String actor) {
        return new RegisterCommand(r.getUlid(), r.getSystem(), r.getReferenceType(), r.getReference(),
                r.getMetadataMap(), r.getRelatedUlidsList(), actor);
    }

    static Reference reference(io.ulidmesh.resolution.domain.Reference r) {
        return Reference.newBuilder()
                .setUlid(r.ulid().toString())
                .setSystem(r.system())
                .setReferenceType(r.referenceType())
                .setReference(r.reference())
                .putAllMetadata(r.metadata())
                .setUlidTime(timestamp(r.ulid().getInstant()))
                .setRegisteredAt(timestamp(r.registeredAt()))
                .setRegisteredBy(r.registeredBy())
                .build();
    }

    static Edge edge(io.ulidmesh.resolution.domain.Edge e) {
        return Edge.newBuilder().setFromUlid(e.from().toString()).setToUlid(e.to().toString())
                .setRelation(e.relation()).build();
    }

    static LinkResponse link(LinkOutcome outcome) {
        return LinkResponse.newBuilder().setEdge(edge(outcome.edge())).setCreated(outcome.created()).build();
    }

    static TraceResponse trace(TraceResult t) {
        TraceResponse.Builder b = TraceResponse.newBuilder().setOrigin(reference(t.origin()));
        t.related().forEach(r -> b.addRelated(reference(r)));
        t.edges().forEach(e -> b.addEdges(edge(e)));
        return b.build();
    }

    static GetStatsResponse stats(Stats s) {
        return GetStatsResponse.newBuilder().setReferences(s.references()).setLinks(s.links())
                .putAllReferencesBySystem(s.referencesBySystem()).build();
    }

    /** Adds one chunk's outcome to the stream's response. */
    static RegisterStreamResponse.Builder add(RegisterStreamResponse.Builder b, BatchOutcome o) {
        b.setRegistered(b.getRegistered() + o.registered()).setUnchanged(b.getUnchanged() + o.unchanged());
        for (BatchOutcome.ItemError e : o.errors()) {
            Status status = GrpcErrorMapping.statusOf(e.error());
            b.addErrors(RegisterError.newBuilder().setIndex(e.index()).setUlid(e.ulid() == null ? "" : e.ulid())
                    .setCode(status.getCode().name()).setMessage(status.getDescription()));
        }
        return b;
    }


    /** The response with its errors in stream order (chunks may finish out of order). */
    static RegisterStreamResponse inStreamOrder(RegisterStreamResponse.Builder b) {
        List<RegisterError> errors = new ArrayList<>(b.getErrorsList());
        errors.sort(Comparator.comparingLong(RegisterError::getIndex));
        return b.clearErrors().addAllErrors(errors).build();
    }

    private static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }
}
