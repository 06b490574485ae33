package io.ulidmesh.flags.api;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.flags.domain.ChangeFeed;
import io.ulidmesh.flags.domain.ChangeType;
import io.ulidmesh.flags.domain.Evaluation;
import io.ulidmesh.flags.domain.FlagState;
import io.ulidmesh.flags.domain.FlagTable;
import io.ulidmesh.flags.domain.Flags;
import io.ulidmesh.flags.domain.Reason;
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
import java.util.concurrent.atomic.AtomicReference;

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
    static final String TARGETING_KEY = "targetingKey";
    private final Flags flags;
    private final FlagTable table;
    private final FlagMetrics metrics;

    FlagdGrpcService(Flags flags, FlagMetrics metrics) {
        this.flags = flags;
        this.table = flags.table();
        this.metrics = metrics;
    }

    @Override
    public Uni<ResolveBooleanResponse> resolveBoolean(ResolveBooleanRequest request) {
        return Uni.createFrom().item(() -> {
            Evaluation e = evaluate(request.getFlagKey(), request.getContext());
            return ResolveBooleanResponse.newBuilder().setValue(e.enabled()).setReason(reason(e))
                    .setVariant(variant(e)).setMetadata(metadata(e)).build();
        });
    }

    @Override
    public Uni<ResolveAllResponse> resolveAll(ResolveAllRequest request) {
        return Uni.createFrom().item(() -> {
            String entity = targetingKey(request.getContext());
            ResolveAllResponse.Builder response = ResolveAllResponse.newBuilder();
            for (FlagState flag : table.all()) {
                Evaluation e = FlagTable.evaluate(flag, entity);
                metrics.evaluated(e.reason());
                response.putFlags(flag.name(), AnyFlag.newBuilder().setBoolValue(e.enabled()).setReason(reason(e))
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
        return Multi.createFrom().<EventStreamResponse>emitter(emitter -> {
            AtomicReference<ChangeFeed.Subscription> subscription = new AtomicReference<>();
            metrics.watcherStarted();
            emitter.onTermination(() -> {
                metrics.watcherEnded();
                FlagGrpcService.close(subscription);
            });
            emitter.emit(EventStreamResponse.newBuilder().setType("provider_ready").build());
            subscription.set(flags.follow(change -> {
                String type = change.type() == ChangeType.DELETED ? "delete"
                        : change.flag().version() == 1 ? "write" : "update";
                Struct changed = Struct.newBuilder().putFields(change.flag().name(), Value.newBuilder()
                        .setStructValue(Struct.newBuilder()
                                .putFields("type", string(type))
                                .putFields("source", string("ulidmesh"))
                                .putFields("flagKey", string(change.flag().name())))
                        .build()).build();
                emitter.emit(EventStreamResponse.newBuilder().setType("configuration_change")
                        .setData(Struct.newBuilder().putFields("flags", Value.newBuilder().setStructValue(changed).build()))
                        .build());
            }));
            if (emitter.isCancelled()) {
                FlagGrpcService.close(subscription);
            }
        }, BackPressureStrategy.BUFFER);
    }

    private Evaluation evaluate(String flag, Struct context) {
        FlagState state = table.get(flag);
        if (state == null) {
            metrics.evaluated(Reason.FLAG_NOT_FOUND);
            throw DomainException.notFound("FLAG_NOT_FOUND: flag '" + flag + "' does not exist");
        }
        Evaluation e = FlagTable.evaluate(state, targetingKey(context));
        metrics.evaluated(e.reason());
        return e;
    }

    private DomainException typeMismatch(String flag, String type) {
        if (table.get(flag) == null) {
            return DomainException.notFound("FLAG_NOT_FOUND: flag '" + flag + "' does not exist");
        }
        return DomainException.invalid("TYPE_MISMATCH: flag '" + flag + "' is boolean, not " + type);
    }

    private static String targetingKey(Struct context) {
        Value key = context.getFieldsMap().get(TARGETING_KEY);
        return key != null && key.hasStringValue() ? key.getStringValue() : "";
    }

    private static String reason(Evaluation e) {
        return e.reason() == Reason.FLAG_ON || e.reason() == Reason.FLAG_OFF ? "STATIC" : "TARGETING_MATCH";
    }

    private static String variant(Evaluation e) {
        return e.enabled() ? "on" : "off";
    }

    private static Struct metadata(Evaluation e) {
        return Struct.newBuilder()
                .putFields("version", Value.newBuilder().setNumberValue(e.version()).build())
                .putFields("bucket", Value.newBuilder().setNumberValue(e.bucket()).build())
                .putFields("ulidmeshReason", string(e.reason().name()))
                .build();
    }

    private static Value string(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }
}
