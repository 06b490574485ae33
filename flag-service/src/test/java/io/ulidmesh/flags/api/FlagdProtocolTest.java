package io.ulidmesh.flags.api;

import static io.ulidmesh.flags.api.FlagServiceTest.unique;
import static io.ulidmesh.testsupport.GrpcAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status.Code;
import io.quarkus.test.junit.QuarkusTest;
import io.ulidmesh.proto.flagd.evaluation.v1.AnyFlag;
import io.ulidmesh.proto.flagd.evaluation.v1.EventStreamRequest;
import io.ulidmesh.proto.flagd.evaluation.v1.EventStreamResponse;
import io.ulidmesh.proto.flagd.evaluation.v1.ResolveAllRequest;
import io.ulidmesh.proto.flagd.evaluation.v1.ResolveBooleanRequest;
import io.ulidmesh.proto.flagd.evaluation.v1.ResolveBooleanResponse;
import io.ulidmesh.proto.flagd.evaluation.v1.ResolveFloatRequest;
import io.ulidmesh.proto.flagd.evaluation.v1.ResolveIntRequest;
import io.ulidmesh.proto.flagd.evaluation.v1.ResolveObjectRequest;
import io.ulidmesh.proto.flagd.evaluation.v1.ResolveStringRequest;
import io.ulidmesh.proto.flagd.evaluation.v1.ServiceGrpc;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.testsupport.TestChannels;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The flagd.evaluation.v1 protocol, driven by the real OpenFeature Java SDK and flagd provider and by raw stubs. */
@QuarkusTest
class FlagdProtocolTest {
    private ManagedChannel channel;
    private FlagServiceGrpc.FlagServiceBlockingStub flags;
    private ServiceGrpc.ServiceBlockingStub flagd;

    @BeforeEach
    void connect() {
        channel = TestChannels.toQuarkusTestApp();
        flags = FlagServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        flagd = ServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void disconnect() {
        channel.shutdownNow();
    }

    @Test
    void resolveBooleanAndResolveAllAnswerLikeFlagd() {
        String rollout = unique("flagd.rollout");
        String on = unique("flagd.on");
        flags.setFlag(SetFlagRequest.newBuilder().setName(rollout).setBasisPoints(346).setCohort("use_v2_coordinator").build());
        flags.setFlag(SetFlagRequest.newBuilder().setName(on).setEnabled(true).build());

        ResolveBooleanResponse in = flagd.resolveBoolean(ResolveBooleanRequest.newBuilder().setFlagKey(rollout)
                .setContext(context("user-2")).build());
        assertThat(in.getValue()).isTrue();
        assertThat(in.getReason()).isEqualTo("TARGETING_MATCH");
        assertThat(in.getVariant()).isEqualTo("on");
        assertThat(in.getMetadata().getFieldsOrThrow("bucket").getNumberValue()).isEqualTo(345);
        ResolveBooleanResponse noKey = flagd.resolveBoolean(ResolveBooleanRequest.newBuilder().setFlagKey(on).build());
        assertThat(noKey.getValue()).isTrue();
        assertThat(noKey.getReason()).isEqualTo("STATIC");

        Map<String, AnyFlag> all = flagd.resolveAll(ResolveAllRequest.newBuilder().setContext(context("user-1")).build())
                .getFlagsMap();
        assertThat(all.get(rollout).getBoolValue()).isFalse();
        assertThat(all.get(rollout).getVariant()).isEqualTo("off");
        assertThat(all.get(on).getBoolValue()).isTrue();
        assertThat(all.get(on).getReason()).isEqualTo("STATIC");
    }

    @Test
    void unknownFlagsAreNotFoundAndOtherTypesAreTypeMismatches() {
        String missing = unique("flagd.missing");
        String flag = unique("flagd.bool");
        flags.setFlag(SetFlagRequest.newBuilder().setName(flag).setEnabled(true).build());
        assertStatus(Code.NOT_FOUND,
                () -> flagd.resolveBoolean(ResolveBooleanRequest.newBuilder().setFlagKey(missing).build()),
                "FLAG_NOT_FOUND");
        assertStatus(Code.NOT_FOUND,
                () -> flagd.resolveString(ResolveStringRequest.newBuilder().setFlagKey(missing).build()),
                "FLAG_NOT_FOUND");
        assertStatus(Code.INVALID_ARGUMENT,
                () -> flagd.resolveString(ResolveStringRequest.newBuilder().setFlagKey(flag).build()), "TYPE_MISMATCH");
        assertStatus(Code.INVALID_ARGUMENT,
                () -> flagd.resolveFloat(ResolveFloatRequest.newBuilder().setFlagKey(flag).build()), "TYPE_MISMATCH");
        assertStatus(Code.INVALID_ARGUMENT,
                () -> flagd.resolveInt(ResolveIntRequest.newBuilder().setFlagKey(flag).build()), "TYPE_MISMATCH");
        assertStatus(Code.INVALID_ARGUMENT,
                () -> flagd.resolveObject(ResolveObjectRequest.newBuilder().setFlagKey(flag).build()), "TYPE_MISMATCH");
    }

    @Test
    void eventStreamSendsProviderReadyThenConfigurationChanges() throws Exception {
        String flag = unique("flagd.events");
        Context.CancellableContext streaming = Context.current().withCancellation();
        try {
            Iterator<EventStreamResponse> events = streaming.call(() ->
                    ServiceGrpc.newBlockingStub(channel).eventStream(EventStreamRequest.getDefaultInstance()));
            assertThat(events.next().getType()).isEqualTo("provider_ready");
            flags.setFlag(SetFlagRequest.newBuilder().setName(flag).setEnabled(true).build());
            EventStreamResponse change;
            do {
                change = events.next();
            } while (!change.getData().getFieldsOrThrow("flags").getStructValue().containsFields(flag));
            assertThat(change.getType()).isEqualTo("configuration_change");
            assertThat(change.getData().getFieldsOrThrow("flags").getStructValue().getFieldsOrThrow(flag)
                    .getStructValue().getFieldsOrThrow("type").getStringValue()).isEqualTo("write");
        } finally {
            streaming.cancel(null);
        }
    }

    private static Struct context(String targetingKey) {
        return Struct.newBuilder().putFields("targetingKey", Value.newBuilder().setStringValue(targetingKey).build()).build();
    }
}
