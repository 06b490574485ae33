package io.ulidmesh.flags.api;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.ServerServiceDefinition;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.common.grpc.StrictParsing;
import io.ulidmesh.flags.domain.ChangeType;
import io.ulidmesh.flags.domain.EvaluationResult;
import io.ulidmesh.flags.domain.FlagRules;
import io.ulidmesh.flags.domain.Flags;
import io.ulidmesh.flags.domain.Reason;
import io.ulidmesh.flags.domain.Commit;
import io.ulidmesh.flags.domain.RecordedChange;
import io.ulidmesh.flags.metrics.FlagMetrics;
import io.ulidmesh.proto.flagd.evaluation.v1.AnyFlag;
import io.ulidmesh.proto.flagd.evaluation.v1.EventStreamRequest;
import io.ulidmesh.proto.flagd.evaluation.v1.EventStreamResponse;
import io.ulidmesh.proto.flagd.evaluation.v1.MutinyServiceGrpc;
import io.ulidmesh.proto.flagd.evaluation.v1.ResolveAllRequest;
import io.ulidmesh.proto.flagd.evaluation.v1.ResolveAllResponse;
import io.ulidmesh.proto.flagd.evaluation.v1.ResolveBooleanRequest;
import io.ulidmesh.proto.flagd.evaluation.v1.ResolveBooleanResponse;
import io.ulidmesh.proto.flagd.evaluation.v1.ResolveFloatRequest;
import io.ulidmesh.proto.flagd.evaluation.v1.ResolveFloatResponse;
import io.ulidmesh.proto.flagd.evaluation.v1.ResolveIntRequest;
import io.ulidmesh.proto.flagd.evaluation.v1.ResolveIntResponse;
import io.ulidmesh.proto.flagd.evaluation.v1.ResolveObjectRequest;
import io.ulidmesh.proto.flagd.evaluation.v1.ResolveObjectResponse;
import io.ulidmesh.proto.flagd.evaluation.v1.ResolveStringRequest;
import io.ulidmesh.proto.flagd.evaluation.v1.ResolveStringResponse;

/**
 * The OpenFeature flagd RPC protocol (flagd.evaluation.v1.Service), so flagd providers of every
 * language work unchanged. Flags are boolean with variants "on" and "off"; {@code targetingKey} of
 * the context is the entity. As in flagd: an unknown flag is NOT_FOUND "FLAG_NOT_FOUND", asking for
 * another type is INVALID_ARGUMENT "TYPE_MISMATCH", a flag that is the same for everyone (off or
 * on) resolves STATIC (cacheable by the provider until its configuration_change), a percentage
 * TARGETING_MATCH. EventStream sends provider_ready, then configuration_change naming the flags
 * changed through any replica.
 */
@GrpcService
public class FlagdGrpcService extends MutinyServiceGrpc.ServiceImplBase {
    private static final String TARGETING_KEY = "targetingKey";
    private final Flags flags;
    private final FlagMetrics metrics;

    FlagdGrpcService(Flags flags, FlagMetrics metrics) {
        this.flags = flags;
        this.metrics = metrics;
    }

    @Override
    public Uni<ResolveBooleanResponse> resolveBoolean(ResolveBooleanRequest request) {
        return Uni.createFrom().item(() -> {
            EvaluationResult e = evaluate(request.getFlagKey(), request.getContext());
            return ResolveBooleanResponse.newBuilder().setValue(e.enabled()).setReason(reason(e))
                    .setVariant(variant(e)).setMetadata(metadata(e)).build();
        });
    }

    @Override
    public Uni<ResolveAllResponse> resolveAll(ResolveAllRequest request) {
        return Uni.createFrom().item(() -> {
            ResolveAllResponse.Builder response = ResolveAllResponse.newBuilder();
            for (EvaluationResult e : flags.evaluateAll(targetingKey(request.getContext()))) {
                metrics.evaluated(e.reason());
                response.putFlags(e.flag(), AnyFlag.newBuilder().setBoolValue(e.enabled()).setReason(reason(e))
                        .setVariant(variant(e)).setMetadata(metadata(e)).build());
            }
            return response.build();
        });
    }

    @Override
    public Uni<ResolveStringResponse> resolveString(ResolveStringRequest request) {
        return Uni.createFrom().failure(() -> typeMismatch(request.getFlagKey(), "string"));
    }

    @Override
    public Uni<ResolveFloatResponse> resolveFloat(ResolveFloatRequest request) {
        return Uni.createFrom().failure(() -> typeMismatch(request.getFlagKey(), "float"));
    }

    @Override
    public Uni<ResolveIntResponse> resolveInt(ResolveIntRequest request) {
        return Uni.createFrom().failure(() -> typeMismatch(request.getFlagKey(), "int"));
    }

    @Override
    public Uni<ResolveObjectResponse> resolveObject(ResolveObjectRequest request) {
        return Uni.createFrom().failure(() -> typeMismatch(request.getFlagKey(), "object"));
    }

    @Override
    public Multi<EventStreamResponse> eventStream(EventStreamRequest request) {
        return ChangeStreams.open(metrics, emitter -> {
            emitter.emit(EventStreamResponse.newBuilder().setType("provider_ready").build());
            return flags.follow(commit -> emitter.emit(configurationChange(commit)));
        });
    }

    /** One configuration_change event per commit, naming every flag it changed. */
    private static EventStreamResponse configurationChange(Commit commit) {
        Struct.Builder changed = Struct.newBuilder();
        for (RecordedChange change : commit.changes()) {
            String type = change.type() == ChangeType.DELETED ? "delete"
                    : change.flag().version() == 1 ? "write" : "update";
            changed.putFields(change.flag().name(), Value.newBuilder()
                    .setStructValue(Struct.newBuilder()
                            .putFields("type", string(type))
                            .putFields("source", string("ulidmesh"))
                            .putFields("flagKey", string(change.flag().name())))
                    .build());
        }
        return EventStreamResponse.newBuilder().setType("configuration_change")
                .setData(Struct.newBuilder().putFields("flags", Value.newBuilder().setStructValue(changed).build()))
                .build();
    }

    private EvaluationResult evaluate(String flag, Struct context) {
        EvaluationResult e = flags.evaluate(FlagRules.withoutNul("flag_key", flag), targetingKey(context));
        metrics.evaluated(e.reason());
        if (e.reason() == Reason.FLAG_NOT_FOUND) {
            throw flagNotFound(flag);
        }
        return e;
    }

    private DomainException typeMismatch(String flag, String type) {
        FlagRules.withoutNul("flag_key", flag);
        if (!flags.exists(flag)) {
            return flagNotFound(flag);
        }
        return DomainException.invalid("TYPE_MISMATCH: flag '" + flag + "' is boolean, not " + type);
    }

    private static DomainException flagNotFound(String flag) {
        return DomainException.notFound("FLAG_NOT_FOUND: flag '" + flag + "' does not exist");
    }

    /** The entity; a NUL in it is INVALID_ARGUMENT naming the context field. */
    private static String targetingKey(Struct context) {
        Value key = context.getFieldsMap().get(TARGETING_KEY);
        return key != null && key.hasStringValue()
                ? FlagRules.withoutNul("context." + TARGETING_KEY, key.getStringValue()) : "";
    }

    private static String reason(EvaluationResult e) {
        return OpenFeatureResults.reason(e);
    }

    private static String variant(EvaluationResult e) {
        return OpenFeatureResults.variant(e);
    }

    private static Struct metadata(EvaluationResult e) {
        return Struct.newBuilder()
                .putFields("version", Value.newBuilder().setNumberValue(e.version()).build())
                .putFields("bucket", Value.newBuilder().setNumberValue(e.bucket()).build())
                .putFields("ulidmeshReason", string(e.reason().name()))
                .build();
    }

    private static Value string(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }

    /** Requests protobuf cannot parse are INVALID_ARGUMENT naming the field (docs/architecture.md, "Errors"). */
    @Override
    public ServerServiceDefinition bindService() {
        return StrictParsing.of(super.bindService());
    }
}
