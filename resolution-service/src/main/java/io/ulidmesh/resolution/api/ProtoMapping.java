package io.ulidmesh.resolution.api;

import com.github.f4b6a3.ulid.Ulid;
import io.grpc.Status;
import io.ulidmesh.common.error.GrpcErrorMapping;
import io.ulidmesh.common.grpc.Timestamps;
import io.ulidmesh.proto.resolution.v1.BatchResolveResponse;
import io.ulidmesh.proto.resolution.v1.Edge;
import io.ulidmesh.proto.resolution.v1.GenerateResponse;
import io.ulidmesh.proto.resolution.v1.GetStatsResponse;
import io.ulidmesh.proto.resolution.v1.LinkResponse;
import io.ulidmesh.proto.resolution.v1.Reference;
import io.ulidmesh.proto.resolution.v1.RegisterError;
import io.ulidmesh.proto.resolution.v1.RegisterRequest;
import io.ulidmesh.proto.resolution.v1.RegisterStreamResponse;
import io.ulidmesh.proto.resolution.v1.TraceResponse;
import io.ulidmesh.resolution.domain.BatchOutcome;
import io.ulidmesh.resolution.domain.Link;
import io.ulidmesh.resolution.domain.LinkOutcome;
import io.ulidmesh.resolution.domain.RegisterCommand;
import io.ulidmesh.resolution.domain.RegisteredReference;
import io.ulidmesh.resolution.domain.Stats;
import io.ulidmesh.resolution.domain.StreamOutcome;
import io.ulidmesh.resolution.domain.TraceResult;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** protobuf ⇄ domain. */
final class ProtoMapping {
    private ProtoMapping() {
    }

    static RegisterCommand command(RegisterRequest r, String actor) {
        return new RegisterCommand(r.getUlid(), r.getSystem(), r.getReferenceType(), r.getReference(),
                r.getMetadataMap(), r.getRelatedUlidsList(), actor);
    }

    static GenerateResponse generated(Ulid[] ulids) {
        GenerateResponse.Builder b = GenerateResponse.newBuilder();
        for (Ulid u : ulids) {
            b.addUlids(u.toString());
        }
        return b.build();
    }

    static Reference reference(RegisteredReference r) {
        return Reference.newBuilder()
                .setUlid(r.ulid().toString())
                .setSystem(r.system())
                .setReferenceType(r.referenceType())
                .setReference(r.reference())
                .putAllMetadata(r.metadata())
                .setUlidTime(Timestamps.toProto(r.ulid().getInstant()))
                .setRegisteredAt(Timestamps.toProto(r.registeredAt()))
                .setRegisteredBy(r.registeredBy())
                .build();
    }

    /** The found references and the missing ULIDs, each in request order. */
    static BatchResolveResponse batch(List<Ulid> ulids, Map<Ulid, RegisteredReference> found) {
        BatchResolveResponse.Builder b = BatchResolveResponse.newBuilder();
        for (Ulid u : ulids) {
            RegisteredReference r = found.get(u);
            if (r != null) {
                b.addReferences(reference(r));
            } else {
                b.addMissing(u.toString());
            }
        }
        return b.build();
    }

    static Edge edge(Link link) {
        return Edge.newBuilder().setFromUlid(link.from().toString()).setToUlid(link.to().toString())
                .setRelation(link.relation()).build();
    }

    static LinkResponse link(LinkOutcome outcome) {
        return LinkResponse.newBuilder().setEdge(edge(outcome.link())).setCreated(outcome.created()).build();
    }

    static TraceResponse trace(TraceResult t) {
        TraceResponse.Builder b = TraceResponse.newBuilder().setOrigin(reference(t.origin()));
        t.related().forEach(r -> b.addRelated(reference(r)));
        t.links().forEach(l -> b.addEdges(edge(l)));
        return b.build();
    }

    static GetStatsResponse stats(Stats s) {
        return GetStatsResponse.newBuilder().setReferences(s.references()).setLinks(s.links())
                .putAllReferencesBySystem(s.referencesBySystem()).build();
    }

    /**
     * The stream's counts and its listed errors in stream order. The proto has no field for the
     * number of errors, so when some are not listed the last listed error's message says how many.
     */
    static RegisterStreamResponse registerStream(StreamOutcome o) {
        RegisterStreamResponse.Builder b = RegisterStreamResponse.newBuilder()
                .setRegistered(o.registered()).setUnchanged(o.unchanged());
        List<BatchOutcome.ItemError> listed = o.listed();
        for (int i = 0; i < listed.size(); i++) {
            BatchOutcome.ItemError e = listed.get(i);
            Status status = GrpcErrorMapping.statusOf(e.error());
            String message = status.getDescription();
            if (i == listed.size() - 1 && o.unlisted() > 0) {
                message += String.format(Locale.ROOT, "; and %,d more errors not listed (%,d in all)",
                        o.unlisted(), o.errors());
            }
            b.addErrors(RegisterError.newBuilder().setIndex(e.index()).setUlid(e.ulid() == null ? "" : e.ulid())
                    .setCode(status.getCode().name()).setMessage(message));
        }
        return b.build();
    }
}
