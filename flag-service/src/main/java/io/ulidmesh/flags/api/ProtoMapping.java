package io.ulidmesh.flags.api;

import com.google.protobuf.Timestamp;
import io.ulidmesh.flags.domain.ChangeType;
import io.ulidmesh.flags.domain.Evaluation;
import io.ulidmesh.flags.domain.FlagChange;
import io.ulidmesh.flags.domain.FlagState;
import io.ulidmesh.proto.flags.v1.EvaluationReason;
import io.ulidmesh.proto.flags.v1.Flag;
import io.ulidmesh.proto.flags.v1.FlagEvent;
import io.ulidmesh.proto.flags.v1.FlagEventType;
import java.time.Instant;

/** Domain ⇄ protobuf for ulidmesh.flags.v1. */
final class ProtoMapping {
    private static final EvaluationReason[] REASONS = {
        EvaluationReason.FLAG_OFF, EvaluationReason.FLAG_ON, EvaluationReason.IN_ROLLOUT,
        EvaluationReason.OUT_OF_ROLLOUT, EvaluationReason.FLAG_NOT_FOUND};

    private ProtoMapping() {
    }

    static Flag flag(FlagState f) {
        return Flag.newBuilder()
                .setName(f.name())
                .setDescription(f.description())
                .setBasisPoints(f.basisPoints())
                .setCohort(f.cohort())
                .setVersion(f.version())
                .setUpdatedAt(timestamp(f.updatedAt()))
                .setUpdatedBy(f.updatedBy())
                .setReason(f.reason())
                .build();
    }

    static io.ulidmesh.proto.flags.v1.Evaluation evaluation(Evaluation e) {
        return io.ulidmesh.proto.flags.v1.Evaluation.newBuilder()
                .setFlag(e.flag())
                .setEntityId(e.entityId())
                .setEnabled(e.enabled())
                .setBucket(e.bucket())
                .setReason(REASONS[e.reason().ordinal()])
                .setVersion(e.version())
                .build();
    }

    static FlagEvent event(FlagChange c, FlagEventType type) {
        return FlagEvent.newBuilder()
                .setRevision(c.revision())
                .setType(type)
                .setFlag(flag(c.flag()))
                .setAt(timestamp(c.at()))
                .setActor(c.actor())
                .setReason(c.reason())
                .build();
    }

    static FlagEvent event(FlagChange c) {
        return event(c, type(c.type()));
    }

    static io.ulidmesh.proto.flags.v1.FlagChange change(FlagChange c) {
        io.ulidmesh.proto.flags.v1.FlagChange.Builder b = io.ulidmesh.proto.flags.v1.FlagChange.newBuilder()
                .setRevision(c.revision())
                .setType(type(c.type()))
                .setActor(c.actor())
                .setReason(c.reason())
                .setAt(timestamp(c.at()));
        if (c.before() != null) {
            b.setBefore(flag(c.before()));
        }
        if (c.after() != null) {
            b.setAfter(flag(c.after()));
        }
        return b.build();
    }

    static FlagEventType type(ChangeType type) {
        return type == ChangeType.DELETED ? FlagEventType.DELETED : FlagEventType.UPSERTED;
    }

    static Timestamp timestamp(Instant at) {
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }
}
