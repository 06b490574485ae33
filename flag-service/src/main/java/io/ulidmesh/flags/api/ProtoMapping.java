package io.ulidmesh.flags.api;

import io.ulidmesh.common.grpc.Timestamps;
import io.ulidmesh.flags.client.CohortHash;
import io.ulidmesh.flags.domain.ChangeType;
import io.ulidmesh.flags.domain.Commit;
import io.ulidmesh.flags.domain.EvaluationResult;
import io.ulidmesh.flags.domain.FlagRules;
import io.ulidmesh.flags.domain.FlagState;
import io.ulidmesh.flags.domain.RecordedChange;
import io.ulidmesh.flags.domain.SetFlagCommand;
import io.ulidmesh.flags.domain.Written;
import io.ulidmesh.proto.flags.v1.Evaluation;
import io.ulidmesh.proto.flags.v1.EvaluationReason;
import io.ulidmesh.proto.flags.v1.Flag;
import io.ulidmesh.proto.flags.v1.FlagChange;
import io.ulidmesh.proto.flags.v1.FlagEvent;
import io.ulidmesh.proto.flags.v1.FlagEventType;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.proto.flags.v1.SetFlagsResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Domain ⇄ protobuf for ulidmesh.flags.v1. */
final class ProtoMapping {
    private static final EvaluationReason[] REASONS = {
        EvaluationReason.FLAG_OFF, EvaluationReason.FLAG_ON, EvaluationReason.IN_ROLLOUT,
        EvaluationReason.OUT_OF_ROLLOUT, EvaluationReason.FLAG_NOT_FOUND};

    private ProtoMapping() {
    }

    /** The SetFlag (or delete) as asked, its state (enabled, percentage or basis points) in basis points, null when unset. */
    static SetFlagCommand command(SetFlagRequest request) {
        Integer basisPoints = switch (request.getStateCase()) {
            case ENABLED -> request.getEnabled() ? CohortHash.ALL : 0;
            case PERCENTAGE -> FlagRules.basisPointsOfPercentage(request.getPercentage());
            case BASIS_POINTS -> request.getBasisPoints();
            case STATE_NOT_SET -> null;
        };
        return new SetFlagCommand(request.getName(), basisPoints, request.getReason(), request.getExpectedVersion(),
                request.getDescription(), request.getCohort(), request.getDelete());
    }

    static Flag flag(FlagState f) {
        return Flag.newBuilder()
                .setName(f.name())
                .setDescription(f.description())
                .setBasisPoints(f.basisPoints())
                .setCohort(f.cohort())
                .setVersion(f.version())
                .setUpdatedAt(Timestamps.toProto(f.updatedAt()))
                .setUpdatedBy(f.updatedBy())
                .setReason(f.reason())
                .build();
    }

    static Evaluation evaluation(EvaluationResult e) {
        return Evaluation.newBuilder()
                .setFlag(e.flag())
                .setEntityId(e.entityId())
                .setEnabled(e.enabled())
                .setBucket(e.bucket())
                .setReason(REASONS[e.reason().ordinal()])
                .setVersion(e.version())
                .build();
    }

    static SetFlagsResponse written(Written written) {
        SetFlagsResponse.Builder response = SetFlagsResponse.newBuilder()
                .setRevision(written.changed() ? written.commit().revision() : 0);
        written.flags().forEach(f -> response.addFlags(flag(f)));
        return response.build();
    }

    /** The snapshot's events, one group a watcher applies together. */
    static List<FlagEvent> snapshot(List<RecordedChange> flags) {
        return events(flags, change -> FlagEventType.SNAPSHOT);
    }

    /** One event per change of the commit, consecutively, as one group. */
    static List<FlagEvent> events(Commit commit) {
        return events(commit.changes(), change -> type(change.type()));
    }

    private static List<FlagEvent> events(List<RecordedChange> changes, Function<RecordedChange, FlagEventType> type) {
        List<FlagEvent> events = new ArrayList<>(changes.size());
        for (int i = 0; i < changes.size(); i++) {
            RecordedChange c = changes.get(i);
            events.add(FlagEvent.newBuilder()
                    .setRevision(c.revision())
                    .setType(type.apply(c))
                    .setFlag(flag(c.flag()))
                    .setAt(Timestamps.toProto(c.at()))
                    .setActor(c.actor())
                    .setReason(c.reason())
                    .setRemainingInGroup(changes.size() - 1 - i)
                    .build());
        }
        return events;
    }

    static FlagChange change(RecordedChange c) {
        FlagChange.Builder b = FlagChange.newBuilder()
                .setRevision(c.revision())
                .setType(type(c.type()))
                .setActor(c.actor())
                .setReason(c.reason())
                .setAt(Timestamps.toProto(c.at()));
        if (c.before() != null) {
            b.setBefore(flag(c.before()));
        }
        if (c.after() != null) {
            b.setAfter(flag(c.after()));
        }
        return b.build();
    }

    private static FlagEventType type(ChangeType type) {
        return type == ChangeType.DELETED ? FlagEventType.DELETED : FlagEventType.UPSERTED;
    }
}
